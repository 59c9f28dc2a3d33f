package dev.conflux.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the platform that reports its own health. Register it as an OSGi service; the
 * platform finds every contributor, including those of bundles installed later.
 *
 * <p>{@link #check()} should answer within a second: the platform gives it a configurable time
 * limit and reports the component as {@code DOWN} when it takes longer or throws.
 */
@ConsumerType
public interface HealthContributor {

    /** A short, stable name: {@code database}, {@code workflow-engine}. */
    String name();

    Health check();
}
