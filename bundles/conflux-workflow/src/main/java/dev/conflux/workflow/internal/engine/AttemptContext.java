package dev.conflux.workflow.internal.engine;

import java.util.Map;

import dev.conflux.api.step.Cancellation;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepLogger;

/**
 * What a step type sees of one attempt. The engine knows its own contexts again by this class: a
 * step that starts a child run names itself as the child's parent through it ({@link #stepKey}).
 */
record AttemptContext(Map<String, Object> inputs, String runId, String stepId, String stepKey, int attempt,
        String idempotencyKey, StepLogger logger, Cancellation cancellation, Map<String, Object> resumeState)
        implements StepContext {
}
