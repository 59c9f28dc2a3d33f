package dev.conflux.api.workflow;

/** The states of a run. */
public enum RunState {
    /** Stored, not started yet. */
    PENDING,
    /** Steps are being scheduled and run. */
    RUNNING,
    /** Running steps finish; no new step starts until resumed. */
    PAUSED,
    /** Every step is done. */
    SUCCEEDED,
    /** A step failed (after its retries) or the run timed out; onFailure steps have run. */
    FAILED,
    /** Cancelled: running steps were stopped, nothing else runs. */
    CANCELLED;

    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
