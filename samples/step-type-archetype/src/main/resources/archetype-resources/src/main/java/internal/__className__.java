package ${package}.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

/**
 * The {@code ${stepType}} step type: greets someone. Replace the body of {@code execute} with
 * what your step does, and the schemas with its input and output.
 *
 * <pre>
 * - id: greet
 *   type: ${stepType}
 *   with: {name: "${inputs.name}", greeting: Hello}
 * </pre>
 *
 * Output: {@code {"text": "Hello, Ada!"}}.
 */
@Component(property = StepType.TYPE_PROPERTY + "=" + ${className}.NAME)
public class ${className} implements StepType {

    /** The name workflows use in a step's {@code type}; the service property carries the same. */
    static final String NAME = "${stepType}";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Greets someone by name.";
    }

    /** Checked by the engine before every attempt: a step with a bad input fails without a call. */
    @Override
    public Map<String, Object> inputSchema() {
        return Map.of(
                "type", "object",
                "required", List.of("name"),
                "additionalProperties", false,
                "properties", Map.of(
                        "name", Map.of("type", "string", "minLength", 1),
                        "greeting", Map.of("type", "string", "default", "Hello")));
    }

    /** Shown by {@code /api/v1/step-types}; later steps read {@code steps.<id>.output.text}. */
    @Override
    public Map<String, Object> outputSchema() {
        return Map.of(
                "type", "object",
                "required", List.of("text"),
                "properties", Map.of("text", Map.of("type", "string")));
    }

    /**
     * Called from many threads at once, and possibly again for the same step after a crash or a
     * retry (with the same {@code StepContext.idempotencyKey()}): keep no state between calls.
     */
    @Override
    public StepResult execute(StepContext context) {
        // the engine has checked the input against inputSchema(); a direct call may not have
        if (!(context.inputs().get("name") instanceof String name) || name.isEmpty()) {
            return StepResult.permanentFailure("'name' must be a non-empty string");
        }
        Object greeting = context.inputs().getOrDefault("greeting", "Hello");
        String text = greeting + ", " + name + "!";
        context.logger().info("greeted " + name);
        return StepResult.success(Map.of("text", text));
    }
}
