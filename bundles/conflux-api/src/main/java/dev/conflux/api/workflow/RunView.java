package dev.conflux.api.workflow;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run and its steps.
 *
 * @param runId the run id
 * @param workflowId the workflow
 * @param version the workflow version the run uses
 * @param state the state
 * @param inputs the run's input
 * @param error what failed the run, when it failed
 * @param trigger what started it: {@code api}, {@code cron}, {@code event}, {@code webhook}, {@code parent}
 * @param createdAt when it was started
 * @param endedAt when it finished
 * @param steps its steps in definition order, foreach items after their step; empty in lists
 */
public record RunView(String runId, String workflowId, int version, RunState state, Map<String, Object> inputs, String error,
        String trigger, Instant createdAt, Instant endedAt, List<StepView> steps) {
}
