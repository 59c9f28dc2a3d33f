package dev.conflux.api.workflow;

import java.time.Instant;

/**
 * One step of a run, or one item of a {@code foreach} step.
 *
 * @param stepId the step's id in the definition
 * @param item the foreach item index, {@code null} for the step itself
 * @param type the step type
 * @param state the state
 * @param attempt attempts started so far
 * @param output the output when it succeeded (a JSON-like tree)
 * @param error what went wrong, when it failed
 * @param startedAt when its first attempt started
 * @param endedAt when it finished
 */
public record StepView(String stepId, Integer item, String type, StepState state, int attempt, Object output, String error,
        Instant startedAt, Instant endedAt) {
}
