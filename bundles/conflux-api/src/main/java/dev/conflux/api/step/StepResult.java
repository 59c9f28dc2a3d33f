package dev.conflux.api.step;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one attempt of a step: {@link Success} with an output, {@link Failure} with a
 * message and whether trying again can help, or {@link Suspended}: not done yet, call again later.
 */
public sealed interface StepResult permits StepResult.Success, StepResult.Failure, StepResult.Suspended {

    /** A successful attempt; {@code output} is any JSON-like value (map, list, string, number, boolean, null). */
    static StepResult success(Object output) {
        return new Success(output);
    }

    /** A failed attempt that a retry may fix (a timeout, a 503, a lost connection). */
    static StepResult retryableFailure(String message) {
        return new Failure(message, true);
    }

    /**
     * As {@link #retryableFailure(String)}, with an output that tells more than the message; it is
     * kept when this was the step's last attempt (see {@link #permanentFailure(String, Object)}).
     */
    static StepResult retryableFailure(String message, Object output) {
        return new Failure(message, true, output);
    }

    /** A failed attempt that will fail the same way again (bad input, a 404, a refused request). */
    static StepResult permanentFailure(String message) {
        return new Failure(message, false);
    }

    /**
     * As {@link #permanentFailure(String)}, with an output that tells more than the message (the
     * response that was refused, the child run that failed). It is stored with the failed step, and
     * steps after one with {@code continueOnError} read it as {@code steps.<id>.output}.
     */
    static StepResult permanentFailure(String message, Object output) {
        return new Failure(message, false, output);
    }

    /**
     * Not done yet: the engine stores {@code state}, frees the worker and the concurrency slot, and
     * calls the step again at {@code resumeAt} (also after a restart), in the same attempt, with
     * {@link StepContext#resumeState()} returning {@code state}. For waits: a delay, a child run, a
     * job polled on another system. {@code state} is JSON-like and small.
     */
    static StepResult resumeAt(Instant resumeAt, Map<String, Object> state) {
        return new Suspended(resumeAt, state);
    }

    /** As {@link #resumeAt(Instant, Map)}, after a delay from now. */
    static StepResult resumeAfter(Duration delay, Map<String, Object> state) {
        return new Suspended(Instant.now().plus(delay), state);
    }

    /** The step is waiting; see {@link #resumeAt(Instant, Map)}. */
    record Suspended(Instant resumeAt, Map<String, Object> state) implements StepResult {
        public Suspended {
            Objects.requireNonNull(resumeAt, "resumeAt");
            state = state == null ? Map.of() : state;
        }
    }

    /** The step produced {@code output}. */
    record Success(Object output) implements StepResult {
    }

    /**
     * The step failed; {@code retryable} tells the engine whether its retry policy applies. The
     * {@code output} (JSON-like, or null) is kept when the step fails for good.
     */
    record Failure(String message, boolean retryable, Object output) implements StepResult {
        public Failure {
            Objects.requireNonNull(message, "message");
            if (message.isBlank()) {
                throw new IllegalArgumentException("a step failure needs a message that says what went wrong");
            }
        }

        /** A failure without an output. */
        public Failure(String message, boolean retryable) {
            this(message, retryable, null);
        }
    }
}
