package dev.conflux.workflow.internal.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepView;
import dev.conflux.workflow.internal.ConfluxWorkflowService;

/**
 * {@code workflow}: runs another workflow as a child run and returns its outcome:
 * {@code {runId, state, outputs: {stepId: output}}}, also as the failed step's output when the child
 * did not succeed. The engine names the child after the step, so a step that runs again after a
 * crash waits for the same child instead of starting a second one. While the child runs, the
 * parent's step is WAITING: it holds no worker and no concurrency slot, so any number of parents
 * can wait. The engine resumes it when the child ends (also after a restart) and cancels the child
 * when the parent is cancelled; the step looks again once an hour in any case.
 */
@Component(service = StepType.class, property = StepType.TYPE_PROPERTY + "=workflow")
public class ChildWorkflowStep implements StepType {

    /** How long a parked step waits before it looks at its child again, if nothing resumed it. */
    static final Duration LOOK_AGAIN = Duration.ofHours(1);
    private static final String CHILD = "childRunId";

    private final ConfluxWorkflowService workflows;

    @Activate
    public ChildWorkflowStep(@Reference ConfluxWorkflowService workflows) {
        this.workflows = workflows;
    }

    @Override
    public String name() {
        return "workflow";
    }

    @Override
    public String description() {
        return "Runs another workflow as a child run and returns its step outputs.";
    }

    @Override
    public Map<String, Object> inputSchema() {
        return Map.of("type", "object", "required", List.of("workflow"), "properties", Map.of(
                "workflow", Map.of("type", "string", "description", "the child workflow's id"),
                "inputs", Map.of("type", "object", "description", "the child run's input")));
    }

    @Override
    public Map<String, Object> outputSchema() {
        return Map.of("type", "object", "properties", Map.of(
                "runId", Map.of("type", "string", "description", "the child run's id"),
                "state", Map.of("type", "string", "description", "how the child ended: SUCCEEDED, FAILED or CANCELLED"),
                "outputs", Map.of("type", "object", "description", "the child's step outputs by step id")));
    }

    @Override
    public StepResult execute(StepContext context) {
        Object workflow = context.inputs().get("workflow");
        if (!(workflow instanceof String id) || id.isBlank()) {
            return StepResult.permanentFailure("'workflow' names the workflow to run");
        }
        String childId = workflows.childRunId(context);
        if (!context.resumeState().containsKey(CHILD)) {
            Object given = context.inputs().getOrDefault("inputs", Map.of());
            if (!(given instanceof Map<?, ?> map)) {
                return StepResult.permanentFailure("'inputs' must be an object");
            }
            Map<String, Object> inputs = new LinkedHashMap<>();
            map.forEach((k, v) -> inputs.put(String.valueOf(k), v));
            try {
                // looked up before starting: a new child may well have finished by the time startChild returns
                RunView earlier = workflows.getRun(childId).orElse(null);
                if (earlier == null) {
                    workflows.startChild(context, id, inputs);
                    context.logger().info("child run " + childId + " of " + id);
                } else if ((earlier.state() == RunState.FAILED || earlier.state() == RunState.CANCELLED)
                        && endedBeforeTheLastRetry(earlier, context.runId())) {
                    // this run was retried since the child ended: the child is retried with it
                    workflows.retry(childId);
                    context.logger().info("child run " + childId + " of " + id + " retried");
                }
                // else an earlier attempt's child, cut short by a crash: this attempt waits for it or reads its end
            } catch (ProblemException e) {
                return StepResult.permanentFailure("cannot start workflow '" + id + "': " + e.getMessage());
            }
        }
        RunView now = workflows.getRun(childId).orElse(null);
        if (now == null) {
            return StepResult.permanentFailure("child run " + childId + " of '" + id + "' is gone (purged?)");
        }
        if (!now.state().isFinished()) {
            // the child's end resumes this step; one that ends before the step has parked resumes it as soon as it does
            return StepResult.resumeAfter(LOOK_AGAIN, Map.of(CHILD, childId));
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        for (StepView step : now.steps()) {
            if (step.item() == null) {
                outputs.put(step.stepId(), step.output());
            }
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("runId", childId);
        output.put("state", now.state().name());
        output.put("outputs", outputs);
        return now.state() == RunState.SUCCEEDED ? StepResult.success(output)
                : StepResult.permanentFailure("child run " + childId + " of '" + id + "' " + now.state()
                        + (now.error() == null ? "" : ": " + now.error()), output);
    }

    /**
     * Whether the parent run was retried after the child ended. Told by time, not by the attempt
     * number: a crash between the parent's retry and this step brings the step back at a later attempt.
     */
    private boolean endedBeforeTheLastRetry(RunView child, String parentRunId) {
        Instant retried = workflows.retriedAt(parentRunId).orElse(null);
        return retried != null && child.endedAt() != null && child.endedAt().isBefore(retried);
    }
}
