package dev.conflux.api.health;

/** The state of a component, from best to worst. */
public enum HealthStatus {
    /** Working as configured. */
    UP,
    /** Working, but with reduced function or capacity; needs attention. */
    DEGRADED,
    /** Not working. */
    DOWN;

    /** The worse of the two. */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
