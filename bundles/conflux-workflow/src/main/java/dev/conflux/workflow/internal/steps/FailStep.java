package dev.conflux.workflow.internal.steps;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

/** {@code fail}: fails on purpose, with a message; {@code retryable: true} lets the retry policy apply. */
@Component(property = StepType.TYPE_PROPERTY + "=fail")
public class FailStep implements StepType {

    @Override
    public String name() {
        return "fail";
    }

    @Override
    public String description() {
        return "Fails the step with a message (to stop a run on a condition, or to test error handling).";
    }

    @Override
    public Map<String, Object> inputSchema() {
        return Map.of("type", "object", "properties", Map.of(
                "message", Map.of("description", "the failure's message, as text", "default", "failed by a fail step"),
                "retryable", Map.of("type", "boolean", "default", false)));
    }

    @Override
    public StepResult execute(StepContext context) {
        String message = String.valueOf(context.inputs().getOrDefault("message", "failed by a fail step"));
        return Boolean.TRUE.equals(context.inputs().get("retryable"))
                ? StepResult.retryableFailure(message)
                : StepResult.permanentFailure(message);
    }
}
