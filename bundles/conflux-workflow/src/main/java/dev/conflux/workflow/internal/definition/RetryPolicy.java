package dev.conflux.workflow.internal.definition;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how soon a failed attempt is tried again.
 *
 * @param max how many retries after the first attempt (0: none)
 * @param backoff how the delay grows
 * @param initial the delay before the first retry
 * @param maxDelay the longest delay
 * @param jitter whether to spread delays randomly (between half and all of the computed delay)
 */
public record RetryPolicy(int max, Backoff backoff, Duration initial, Duration maxDelay, boolean jitter) {

    /** No retries. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Backoff.FIXED, Duration.ofSeconds(1), Duration.ofSeconds(1), false);

    public enum Backoff { FIXED, EXPONENTIAL }

    /** The delay before retry number {@code retry} (1 for the first retry). */
    public Duration delayBefore(int retry) {
        long base = initial.toMillis();
        long millis = backoff == Backoff.EXPONENTIAL
                ? (long) Math.min((double) maxDelay.toMillis(), base * Math.pow(2, Math.max(0, retry - 1)))
                : Math.min(base, maxDelay.toMillis());
        if (jitter && millis > 1) {
            millis = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        }
        return Duration.ofMillis(millis);
    }
}
