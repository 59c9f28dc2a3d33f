package dev.conflux.api.workflow;

/** The states of a step within a run. */
public enum StepState {
    /** Waiting for the steps it needs. */
    PENDING,
    /** Due, but no installed bundle provides its step type; continues when one appears. */
    WAITING_FOR_STEP_TYPE,
    /** An attempt is running. */
    RUNNING,
    /** An attempt failed; the next one starts after the retry delay. */
    RETRY_WAIT,
    /** Its step type suspended it until a time (a delay, a child run): it holds no worker and no slot meanwhile. */
    WAITING,
    SUCCEEDED,
    /** Failed after its retries. */
    FAILED,
    /** Not run: its {@code when} was false, or a step it needs did not succeed. */
    SKIPPED,
    CANCELLED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == SKIPPED || this == CANCELLED;
    }
}
