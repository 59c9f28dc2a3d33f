package dev.conflux.api.step;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kind of workflow step, provided as an OSGi service by any bundle.
 *
 * <p>Register the service with the {@value #TYPE_PROPERTY} property set to {@link #name()}: the
 * engine finds a step type by that property, and refuses (logging it once) a service whose property
 * is missing or differs from its {@code name()}. A step type must be safe to
 * call from many threads at once; it may be called again for the same step after a crash or a
 * retry (at-least-once), with the same {@link StepContext#idempotencyKey()}.
 */
@ConsumerType
public interface StepType {

    /** Service property that carries the step type's name. */
    String TYPE_PROPERTY = "conflux.step.type";

    /** The name workflows use in a step's {@code type}: lower case letters, digits and dashes. */
    String name();

    /** One sentence for humans: what the step does. */
    String description();

    /**
     * The JSON Schema of the step's input ({@code with:}), as the JSON object tree (maps, lists,
     * strings, numbers, booleans). The default accepts any object.
     */
    default Map<String, Object> inputSchema() {
        return Map.of("type", "object");
    }

    /**
     * The JSON Schema of the step's output, when the type can say: shown by
     * {@code /api/v1/step-types} and offered by the designer as {@code steps.<id>.output.<field>}.
     * The engine checks each step's evaluated input against {@link #inputSchema()} before an
     * attempt, not the output against this. The default, an empty map, says nothing.
     */
    default Map<String, Object> outputSchema() {
        return Map.of();
    }

    /**
     * Runs the step once. Long-running work should watch {@link StepContext#cancellation()} and
     * return promptly when it is cancelled.
     *
     * @return the output, or a failure that says whether a retry can help
     * @throws InterruptedException when the engine interrupts the step (cancellation, timeout,
     *     shutdown); the attempt then counts as not completed
     */
    StepResult execute(StepContext context) throws InterruptedException;
}
