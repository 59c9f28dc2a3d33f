package dev.conflux.api.step;

import java.util.Objects;

/**
 * The outcome of one attempt of a step: {@link Success} with an output, or {@link Failure} with a
 * message and whether trying again can help.
 */
public sealed interface StepResult permits StepResult.Success, StepResult.Failure {

    /** A successful attempt; {@code output} is any JSON-like value (map, list, string, number, boolean, null). */
    static StepResult success(Object output) {
        return new Success(output);
    }

    /** A failed attempt that a retry may fix (a timeout, a 503, a lost connection). */
    static StepResult retryableFailure(String message) {
        return new Failure(message, true);
    }

    /** A failed attempt that will fail the same way again (bad input, a 404, a refused request). */
    static StepResult permanentFailure(String message) {
        return new Failure(message, false);
    }

    /** The step produced {@code output}. */
    record Success(Object output) implements StepResult {
    }

    /** The step failed; {@code retryable} tells the engine whether its retry policy applies. */
    record Failure(String message, boolean retryable) implements StepResult {
        public Failure {
            Objects.requireNonNull(message, "message");
            if (message.isBlank()) {
                throw new IllegalArgumentException("a step failure needs a message that says what went wrong");
            }
        }
    }
}
