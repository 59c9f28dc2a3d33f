package dev.conflux.workflow.internal.steps;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
 * {@code {runId, state, outputs: {stepId: output}}}. The child's id comes from the step's
 * idempotency key, so a step that runs again after a crash waits for the same child instead of
 * starting a second one. Cancelling the parent's step cancels the child.
 */
@Component(property = StepType.TYPE_PROPERTY + "=workflow")
public class ChildWorkflowStep implements StepType {

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
    public StepResult execute(StepContext context) throws InterruptedException {
        Object workflow = context.inputs().get("workflow");
        if (!(workflow instanceof String id) || id.isBlank()) {
            return StepResult.permanentFailure("'workflow' names the workflow to run");
        }
        Object given = context.inputs().getOrDefault("inputs", Map.of());
        if (!(given instanceof Map<?, ?> map)) {
            return StepResult.permanentFailure("'inputs' must be an object");
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        map.forEach((k, v) -> inputs.put(String.valueOf(k), v));
        String childId = UUID.nameUUIDFromBytes(("child:" + context.idempotencyKey()).getBytes(StandardCharsets.UTF_8)).toString();
        RunView child;
        try {
            child = workflows.startChild(id, inputs, childId);
        } catch (ProblemException e) {
            return StepResult.permanentFailure("cannot start workflow '" + id + "': " + e.getMessage());
        }
        context.logger().info("child run " + child.runId() + " of " + id);
        context.cancellation().onCancel(() -> {
            try {
                workflows.cancel(childId);
            } catch (ProblemException alreadyFinished) {
                // nothing to cancel
            }
        });
        while (true) {
            RunView now = workflows.getRun(childId).orElseThrow();
            if (now.state().isFinished()) {
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
                                + (now.error() == null ? "" : ": " + now.error()));
            }
            if (context.cancellation().isCancelled()) {
                return StepResult.permanentFailure("cancelled");
            }
            Thread.sleep(100);
        }
    }
}
