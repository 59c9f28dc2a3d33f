package dev.conflux.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.Test;

public class RateLimiterTest {

    @Test
    public void aKeyGetsItsBurstThenMustWaitWhileOtherKeysAreUnaffected() {
        RateLimiter limiter = new RateLimiter(5);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, limiter.acquire("a:10.0.0.1"));
        }
        long wait = limiter.acquire("a:10.0.0.1");
        assertTrue("a sixth request within the minute waits about 12 s, not " + wait, wait >= 1 && wait <= 12);
        assertEquals(0, limiter.acquire("a:10.0.0.2"));
    }

    @Test
    public void idleBucketsAreForgotten() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(5);
        limiter.acquire("k");
        Thread.sleep(5);
        limiter.forgetIdle(Duration.ofMillis(1));
        assertEquals(0, limiter.size());
    }

    @Test
    public void lockoutsCountPerAccountAndPerAddressAndExpire() {
        TokenServiceTest.MutableClock clock = new TokenServiceTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        LoginGuard guard = new LoginGuard(clock, 3, 5, Duration.ofMinutes(5));
        guard.failed("ann", "10.0.0.1");
        guard.failed("ann", "10.0.0.1");
        assertEquals(0, guard.lockedFor("ann", "10.0.0.1"));
        assertTrue("the third failure locks", guard.failed("ann", "10.0.0.1"));
        assertEquals(300, guard.lockedFor("ann", "10.0.0.9"));
        assertEquals("another account from the same address is not locked yet", 0, guard.lockedFor("bob", "10.0.0.1"));
        guard.failed("bob", "10.0.0.1");
        guard.failed("carl", "10.0.0.1");
        assertTrue("the address is locked after five failures", guard.lockedFor("dora", "10.0.0.1") > 0);
        assertEquals(0, guard.lockedFor("dora", "10.0.0.2"));
        clock.advance(Duration.ofMinutes(6));
        assertEquals(0, guard.lockedFor("ann", "10.0.0.1"));
    }

    @Test
    public void anAdminUnlocksAndASuccessResetsTheAccountCount() {
        TokenServiceTest.MutableClock clock = new TokenServiceTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        LoginGuard guard = new LoginGuard(clock, 2, 100, Duration.ofMinutes(5));
        guard.failed("ann", null);
        guard.succeeded("ann");
        guard.failed("ann", null);
        assertEquals(0, guard.lockedFor("ann", null));
        guard.failed("ann", null);
        assertTrue(guard.lockedFor("ann", null) > 0);
        assertTrue(guard.locked().containsKey("ann"));
        assertTrue(guard.unlock("ann"));
        assertEquals(0, guard.lockedFor("ann", null));
    }
}
