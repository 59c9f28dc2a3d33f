package dev.conflux.analytics.internal.logs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.Test;

public class LogBufferTest {

    private final LogBuffer logs = new LogBuffer();
    private final Instant t0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    public void newestFirstFilteredByLevelLoggerTimeAndText() {
        logs.append(t0, "INFO", "dev.conflux.workflow.Engine", "main", "run r1 started", null);
        logs.append(t0.plusSeconds(1), "WARN", "dev.conflux.workflow.Engine", "main", "run r1 slow", null);
        logs.append(t0.plusSeconds(2), "ERROR", "org.apache.cxf.Bus", "main", "bus failed", "java.io.IOException: Broken pipe");
        logs.append(t0.plusSeconds(3), "DEBUG", "dev.conflux.security.Tokens", "main", "token checked", null);

        assertEquals(List.of("token checked", "bus failed", "run r1 slow", "run r1 started"), messages(null, null, null, null, null));
        assertEquals(List.of("bus failed", "run r1 slow"), messages("warn", null, null, null, null));
        assertEquals(List.of("run r1 slow", "run r1 started"), messages(null, "dev.conflux.workflow", null, null, null));
        assertEquals(List.of("run r1 slow"), messages(null, null, t0.plusSeconds(1), t0.plusSeconds(2), null));
        assertEquals("the stack trace is searched too", List.of("bus failed"), messages(null, null, null, null, "BROKEN PIPE"));
    }

    @Test
    public void theRingKeepsTheLatestRecords() {
        for (int i = 0; i < LogBuffer.CAPACITY + 10; i++) {
            logs.append(t0, "INFO", "l", "t", "record " + i, null);
        }
        List<LogBuffer.Entry> all = logs.find(new LogBuffer.Query(null, null, null, null, null, LogBuffer.CAPACITY + 10));
        assertEquals(LogBuffer.CAPACITY, all.size());
        assertEquals("record " + (LogBuffer.CAPACITY + 9), all.get(0).message());
        assertEquals("record 10", all.get(all.size() - 1).message());
        assertEquals(3, logs.find(new LogBuffer.Query(null, null, null, null, null, 3)).size());
    }

    @Test
    public void aCharacterBudgetBoundsTheMemoryOfLongRecords() {
        LogBuffer small = new LogBuffer(50_000);
        for (int i = 0; i < 100; i++) {
            small.append(t0, "ERROR", "l", "t", i + " " + "x".repeat(4_000), "trace ".repeat(200));
        }
        List<LogBuffer.Entry> kept = small.find(new LogBuffer.Query(null, null, null, null, null, 1000));
        assertTrue(kept.size() + " kept", kept.size() >= 8 && kept.size() <= 12);
        assertTrue(kept.get(0).message().startsWith("99 "));
        small.append(t0, "INFO", "l", "t", "short", null);
        assertEquals("short", small.find(new LogBuffer.Query(null, null, null, null, null, 1)).get(0).message());
    }

    @Test
    public void longMessagesAreCutAndBadLevelsRefused() {
        logs.append(t0, "INFO", "l", "t", "x".repeat(20_000), null);
        assertTrue(logs.find(new LogBuffer.Query(null, null, null, null, null, 1)).get(0).message().length() <= LogBuffer.MAX_MESSAGE + 1);
        try {
            logs.find(new LogBuffer.Query("LOUD", null, null, null, null, 1));
            throw new AssertionError("accepted a level that does not exist");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("ERROR, WARN, INFO, DEBUG, TRACE"));
        }
    }

    private List<String> messages(String level, String logger, Instant from, Instant to, String text) {
        return logs.find(new LogBuffer.Query(level, logger, from, to, text, 100)).stream().map(LogBuffer.Entry::message).toList();
    }
}
