package dev.conflux.security.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Token buckets per key (a principal or a client address) for one class of requests, each allowing
 * {@code perMinute} requests a minute with bursts of the same size. Idle buckets are forgotten.
 */
final class RateLimiter {

    private record Entry(Bucket bucket, long[] lastUsedNanos) {
    }

    private final int perMinute;
    private final ConcurrentMap<String, Entry> buckets = new ConcurrentHashMap<>();

    RateLimiter(int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("a rate limit must allow at least 1 request a minute, not " + perMinute);
        }
        this.perMinute = perMinute;
    }

    /** @return 0 when the request may go ahead, otherwise the seconds to wait before the next one would */
    long acquire(String key) {
        Entry entry = buckets.computeIfAbsent(key, k -> new Entry(Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build(), new long[1]));
        entry.lastUsedNanos()[0] = System.nanoTime();
        ConsumptionProbe probe = entry.bucket().tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    }

    /** Drops buckets not used for the given time: they would be full again anyway. */
    void forgetIdle(Duration idle) {
        long cutoff = System.nanoTime() - idle.toNanos();
        buckets.values().removeIf(entry -> entry.lastUsedNanos()[0] - cutoff < 0);
    }

    int size() {
        return buckets.size();
    }
}
