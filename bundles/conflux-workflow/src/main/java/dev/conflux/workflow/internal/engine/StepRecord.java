package dev.conflux.workflow.internal.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.conflux.api.workflow.StepState;
import dev.conflux.workflow.internal.definition.StepDefinition;

/** The engine's record of one step (or foreach item) of an active run; guarded by its run's lock. */
final class StepRecord {

    final String key;
    final StepDefinition definition;
    final Integer item;
    final Object itemValue;
    StepState state = StepState.PENDING;
    int attempt;
    Object output;
    /** {@link #output} as JSON when the worker already serialised it (to check it can be stored); else null. */
    String outputJson;
    String error;
    Instant startedAt;
    Instant endedAt;
    Instant dueAt;
    /** While WAITING: what its step type asked to be handed back when it resumes (stored as the step's output). */
    Map<String, Object> resumeState;
    /** When the current attempt times out (its step's timeout from the attempt's start), or null; not persisted. */
    Instant attemptDeadline;
    /** When it started waiting for its step type, for the wait limit. */
    Instant waitingSince;
    /** Whether the step has a row yet: a step is stored when it first changes state, not when its run starts. */
    boolean stored;
    /** A timer will call advance for this step (retry due, step type wait limit); not persisted. */
    boolean wakeScheduled;
    /** When that timer fires. */
    Instant wakeTime;
    /**
     * Something resumed the step while its attempt was still running (a child run ended before
     * the step parked to wait for it): when the attempt parks, it is due at once. Not persisted.
     */
    boolean resumeRequested;
    /** For a foreach step: its items' keys in order, once the list was evaluated. */
    List<String> itemKeys;

    StepRecord(StepDefinition definition, Integer item, Object itemValue) {
        this.definition = definition;
        this.item = item;
        this.itemValue = itemValue;
        this.key = key(definition.id(), item);
    }

    static String key(String stepId, Integer item) {
        return item == null ? stepId : stepId + "#" + item;
    }

    String idempotencyKey(String runId) {
        return runId + "/" + definition.id() + (item == null ? "" : "/" + item);
    }
}
