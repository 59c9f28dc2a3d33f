package dev.conflux.api.event;

/**
 * Keys of the properties carried by Conflux events. Values are strings, numbers or booleans so
 * that any EventAdmin consumer (and remote bridges) can read them.
 */
public final class EventProperties {

    /** The run id (String). */
    public static final String RUN_ID = "run.id";
    /** The parent run id of a child run (String), absent for top-level runs. */
    public static final String PARENT_RUN_ID = "run.parent.id";
    /** The workflow id (String). */
    public static final String WORKFLOW_ID = "workflow.id";
    /** The workflow version the run uses (Integer). */
    public static final String WORKFLOW_VERSION = "workflow.version";
    /** The step id (String). */
    public static final String STEP_ID = "step.id";
    /** The step type name (String). */
    public static final String STEP_TYPE = "step.type";
    /** The index of a {@code foreach} item (Integer), absent outside a foreach. */
    public static final String ITEM_INDEX = "step.item";
    /** The attempt number, starting at 1 (Integer). */
    public static final String ATTEMPT = "attempt";
    /** The new state (String), the same as the topic's last segment. */
    public static final String STATE = "state";
    /** The state before the transition (String), absent for the first one. */
    public static final String PREVIOUS_STATE = "state.previous";
    /** How long the step or run took, in milliseconds (Long); on finishing transitions only. */
    public static final String DURATION_MS = "duration.ms";
    /** What went wrong (String), on failing transitions only. */
    public static final String ERROR = "error";
    /** When the transition happened, epoch milliseconds (Long). */
    public static final String TIMESTAMP = "timestamp";
    /** The component whose health is reported (String). */
    public static final String COMPONENT = "component";
    /** The health status (String: UP, DEGRADED, DOWN). */
    public static final String STATUS = "status";

    private EventProperties() {
    }
}
