package dev.conflux.workflow.internal.definition;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;

import org.junit.Test;

public class DurationsTest {

    @Test
    public void shortAndIsoForms() {
        assertEquals(Duration.ofMillis(100), Durations.parse("100ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("PT1M30S"));
    }

    @Test
    public void nonsenseAndZeroAreRefusedWithTheAcceptedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
        assertTrue(e.getMessage().contains("250ms, 30s, 5m, 2h, 1d or PT30S"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("0s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-PT1S"));
    }

    @Test
    public void retryDelaysGrowAndAreCapped() {
        RetryPolicy policy = new RetryPolicy(5, RetryPolicy.Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofSeconds(10), false);
        assertEquals(Duration.ofSeconds(1), policy.delayBefore(1));
        assertEquals(Duration.ofSeconds(2), policy.delayBefore(2));
        assertEquals(Duration.ofSeconds(8), policy.delayBefore(4));
        assertEquals(Duration.ofSeconds(10), policy.delayBefore(5));
        RetryPolicy jittered = new RetryPolicy(5, RetryPolicy.Backoff.FIXED, Duration.ofSeconds(4), Duration.ofSeconds(4), true);
        for (int i = 0; i < 50; i++) {
            long millis = jittered.delayBefore(1).toMillis();
            assertTrue(millis + " ms", millis >= 2000 && millis <= 4000);
        }
    }
}
