package dev.conflux.platform.internal.health;

import java.time.Instant;
import java.util.Map;

import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthStatus;

/**
 * The platform's health at one moment: the worst status of all components, and each component's
 * own report, sorted by name.
 */
public record HealthReport(HealthStatus status, Instant checkedAt, long durationMillis, Map<String, Health> components) {
}
