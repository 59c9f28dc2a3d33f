package dev.conflux.workflow.internal.steps;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import dev.conflux.api.event.EventProperties;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepState;
import dev.conflux.api.workflow.StepView;
import dev.conflux.workflow.internal.ConfluxWorkflowService;

/**
 * {@code workflow}: runs another workflow as a child run and returns its outcome:
 * {@code {runId, state, outputs: {stepId: output}}}, also as the failed step's output when the child
 * did not succeed. The child's id comes from the step's
 * idempotency key, so a step that runs again after a crash waits for the same child instead of
 * starting a second one. While the child runs, the parent's step is WAITING: it holds no worker and
 * no concurrency slot, so any number of parents can wait. The child's end resumes it at once (its
 * run events); a poll with growing pauses (up to {@value #LONGEST_POLL_SECONDS} s) covers a restart.
 * Cancelling the parent run cancels the child.
 */
@Component(service = {StepType.class, EventHandler.class}, property = {StepType.TYPE_PROPERTY + "=workflow",
    EventConstants.EVENT_TOPIC + "=conflux/workflow/run/SUCCEEDED",
    EventConstants.EVENT_TOPIC + "=conflux/workflow/run/FAILED",
    EventConstants.EVENT_TOPIC + "=conflux/workflow/run/CANCELLED"})
public class ChildWorkflowStep implements StepType, EventHandler {

    static final long LONGEST_POLL_SECONDS = 5;
    private static final String CHILD = "childRunId";
    private static final String POLLS = "polls";

    /** The parent step each child run resumes: child run id to {parent run id, step key}. */
    private final ConcurrentMap<String, String[]> waiting = new ConcurrentHashMap<>();
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
    public StepResult execute(StepContext context) {
        Object workflow = context.inputs().get("workflow");
        if (!(workflow instanceof String id) || id.isBlank()) {
            return StepResult.permanentFailure("'workflow' names the workflow to run");
        }
        String childId = UUID.nameUUIDFromBytes(("child:" + context.idempotencyKey()).getBytes(StandardCharsets.UTF_8)).toString();
        int polls = context.resumeState().get(POLLS) instanceof Number n ? n.intValue() : 0;
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
                    workflows.startChild(id, inputs, childId);
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
        waiting.put(childId, new String[] {context.runId(), stepKey(context)});
        RunView now = workflows.getRun(childId).orElse(null);
        if (now == null) {
            waiting.remove(childId);
            return StepResult.permanentFailure("child run " + childId + " of '" + id + "' is gone (purged?)");
        }
        if (!now.state().isFinished()) {
            long pauseMillis = Math.min(LONGEST_POLL_SECONDS * 1000, 100L << Math.min(polls, 6));
            return StepResult.resumeAfter(Duration.ofMillis(pauseMillis), Map.of(CHILD, childId, POLLS, polls + 1));
        }
        waiting.remove(childId);
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

    /** A child ended: its parent step resumes now. A parent was cancelled: its children are cancelled too. */
    @Override
    public void handleEvent(Event event) {
        Object runId = event.getProperty(EventProperties.RUN_ID);
        if (!(runId instanceof String id)) {
            return;
        }
        String[] parent = waiting.remove(id);
        if (parent != null) {
            workflows.resumeNow(parent[0], parent[1]);
        }
        if (event.getTopic().endsWith("/CANCELLED")) {
            workflows.getRun(id).ifPresent(run -> {
                for (StepView step : run.steps()) {
                    if ("workflow".equals(step.type()) && step.state() == StepState.CANCELLED) {
                        String key = id + "/" + step.stepId() + (step.item() == null ? "" : "/" + step.item());
                        String child = UUID.nameUUIDFromBytes(("child:" + key).getBytes(StandardCharsets.UTF_8)).toString();
                        waiting.remove(child);
                        try {
                            workflows.cancel(child);
                        } catch (ProblemException finishedOrUnknown) {
                            // nothing to cancel
                        }
                    }
                }
            });
        }
    }

    private static String stepKey(StepContext context) {
        // the idempotency key is runId/stepId[/item]; the engine's step key is stepId[#item]
        String rest = context.idempotencyKey().substring(context.runId().length() + 1);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash) + "#" + rest.substring(slash + 1);
    }
}
