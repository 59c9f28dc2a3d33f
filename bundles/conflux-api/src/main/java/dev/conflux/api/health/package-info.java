/**
 * Health contributions: every capability registers {@link dev.conflux.api.health.HealthContributor}
 * services; the platform aggregates them at {@code /api/v1/health} and in {@code conflux:health}.
 */
@Version("1.0.0")
package dev.conflux.api.health;

import org.osgi.annotation.versioning.Version;
