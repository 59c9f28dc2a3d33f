package dev.conflux.api.health;

import java.util.Map;
import java.util.Objects;

/**
 * The result of one health check.
 *
 * @param status the state
 * @param message one line for humans; says what is wrong when the status is not {@code UP}
 * @param details facts behind the status (versions, counts, latencies), JSON-friendly values only
 */
public record Health(HealthStatus status, String message, Map<String, Object> details) {

    public Health {
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static Health up(String message) {
        return new Health(HealthStatus.UP, message, Map.of());
    }

    public static Health degraded(String message) {
        return new Health(HealthStatus.DEGRADED, message, Map.of());
    }

    public static Health down(String message) {
        return new Health(HealthStatus.DOWN, message, Map.of());
    }

    /** A copy with {@code details} added. */
    public Health withDetails(Map<String, Object> more) {
        var merged = new java.util.LinkedHashMap<String, Object>(details);
        merged.putAll(more);
        return new Health(status, message, merged);
    }
}
