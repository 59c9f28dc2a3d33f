package dev.conflux.workflow.internal.steps;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepLogger;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

/** {@code log}: writes a message to the run's log. Input {@code {message, level}}; output {@code {message}}. */
@Component(property = StepType.TYPE_PROPERTY + "=log")
public class LogStep implements StepType {

    @Override
    public String name() {
        return "log";
    }

    @Override
    public String description() {
        return "Writes a message to the run's log.";
    }

    @Override
    public Map<String, Object> inputSchema() {
        // any message value is written as text; the level is checked, in any case, when the step runs
        return Map.of("type", "object", "required", List.of("message"),
                "properties", Map.of(
                        "message", Map.of("not", Map.of("type", "null"), "description", "written as text"),
                        "level", Map.of("type", "string", "description", "debug, info, warn or error", "default", "info")));
    }

    @Override
    public StepResult execute(StepContext context) {
        Object message = context.inputs().get("message");
        if (message == null) {
            return StepResult.permanentFailure("'message' is required");
        }
        String level = String.valueOf(context.inputs().getOrDefault("level", "info")).toUpperCase(Locale.ROOT);
        StepLogger.Level parsed;
        try {
            parsed = StepLogger.Level.valueOf(level);
        } catch (IllegalArgumentException e) {
            return StepResult.permanentFailure("'level' is debug, info, warn or error, not '" + level.toLowerCase(Locale.ROOT) + "'");
        }
        context.logger().log(parsed, String.valueOf(message));
        return StepResult.success(Map.of("message", String.valueOf(message)));
    }
}
