package dev.conflux.api.step;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** What the engine hands a {@link StepType} for one attempt of one step. */
@ProviderType
public interface StepContext {

    /** The step's input: its {@code with:} block, expressions already evaluated. */
    Map<String, Object> inputs();

    /** The id of the run this step belongs to. */
    String runId();

    /** The step's id in the workflow definition. */
    String stepId();

    /** The attempt number, starting at 1; it grows with retries and with re-runs after a crash. */
    int attempt();

    /**
     * A key that stays the same across every attempt of this step (and this item of a
     * {@code foreach}), so a step type can deduplicate side effects.
     */
    String idempotencyKey();

    /** Lines logged here are stored with the run. */
    StepLogger logger();

    /** Signals that the run or the step was cancelled or timed out. */
    Cancellation cancellation();

    /**
     * What this step returned in {@link StepResult#resumeAt} when it suspended itself; empty on a
     * fresh call (a new attempt starts fresh).
     */
    default Map<String, Object> resumeState() {
        return Map.of();
    }
}
