package dev.conflux.workflow.internal.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.StepState;
import dev.conflux.workflow.internal.definition.Expressions;
import dev.conflux.workflow.internal.definition.StepDefinition;
import dev.conflux.workflow.internal.schema.JsonSchemas;

/**
 * The engine's state machine: which steps of a run are due, how a {@code foreach} expands, what an
 * attempt's result changes, when a phase and the run end. It changes the run in memory only and
 * says what must follow through its {@link Effects}: no threads, no I/O, no waiting. Every method
 * is called with the run's lock held.
 */
final class RunScheduler {

    /** What the scheduler's decisions need from the rest of the engine. */
    interface Effects {
        Optional<StepType> stepType(String name);

        /** Takes a concurrency slot for an attempt of the run's workflow; false when none is free (the run then waits for one). */
        boolean takeSlot(ActiveRun run);

        void giveBackSlot(ActiveRun run);

        /** The step changed: store it and, once stored, announce it. */
        void stepChanged(ActiveRun run, StepRecord step);

        /** The step changed as part of a larger change that is announced on its own: store it. */
        void stepSaved(ActiveRun run, StepRecord step);

        /** Store the run's row as it is now (when it has one yet). */
        void runSaved(ActiveRun run);

        /** The run moved from {@code before} to its current state: store and announce it. */
        void runChanged(ActiveRun run, RunState before);

        /** The run has ended: store it and, once stored, put it away and announce it. */
        void runEnded(ActiveRun run, RunState before);

        /** An attempt is decided: store the step RUNNING, then run the attempt. */
        void attemptDecided(ActiveRun run, StepRecord step, StepType type, Map<String, Object> inputs, Map<String, Object> resumeState);

        /** Call {@link #advance} for the run again by {@code when}. */
        void wakeAt(ActiveRun run, StepRecord step, Instant when);

        /** Stop the run's running attempts (cancellation, run timeout). */
        void stopAttempts(ActiveRun run, String why);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RunScheduler.class);
    /** The schema every step type accepts unless it says more: the evaluated {@code with} is always an object. */
    private static final Map<String, Object> ANY_OBJECT = Map.of("type", "object");

    private final Clock clock;
    private final Supplier<Duration> stepTypeWaitLimit;
    private final Effects effects;

    RunScheduler(Clock clock, Supplier<Duration> stepTypeWaitLimit, Effects effects) {
        this.clock = clock;
        this.stepTypeWaitLimit = stepTypeWaitLimit;
        this.effects = effects;
    }

    /** Decides every change that can happen now. */
    void advance(ActiveRun run) {
        if (run.state == RunState.PAUSED) {
            // a pause starts nothing new, but attempts in flight finish: parked ones resume when due
            for (StepRecord step : new ArrayList<>(run.steps.values())) {
                if (step.state == StepState.WAITING) {
                    tryStart(run, step);
                }
            }
            return;
        }
        boolean again = true;
        while (again && advancing(run)) {
            again = false;
            List<StepDefinition> phase = phase(run);
            boolean progressed = true;
            while (progressed && advancing(run)) {
                progressed = false;
                for (StepDefinition definition : phase) {
                    StepRecord step = run.steps.get(definition.id());
                    if (step == null) {
                        continue;
                    }
                    if (step.state == StepState.PENDING || step.state == StepState.WAITING_FOR_STEP_TYPE
                            || step.state == StepState.RETRY_WAIT || step.state == StepState.WAITING) {
                        progressed |= tryStart(run, step);
                    } else if (step.state == StepState.RUNNING && step.itemKeys != null) {
                        progressed |= advanceItems(run, step);
                    }
                }
            }
            if (advancing(run) && phase.stream().allMatch(d -> {
                StepRecord step = run.steps.get(d.id());
                return step != null && step.state.isFinished();
            })) {
                again = completePhase(run);
            }
        }
    }

    /**
     * What an attempt's result changes. The caller has checked nothing: a result for an attempt
     * that is no longer the step's (cancelled, timed out, the run ended) changes nothing.
     */
    void outcome(ActiveRun run, StepRecord step, int attempt, StepResult result, String outputJson) {
        if (step.state != StepState.RUNNING || step.attempt != attempt || run.state.isFinished()) {
            return;
        }
        if (result instanceof StepResult.Success success) {
            conclude(run, step, StepState.SUCCEEDED, success.output(), outputJson, null);
            advance(run);
            return;
        }
        if (result instanceof StepResult.Suspended suspended) {
            // parked: no worker, no slot; the step's type is called again when it is due (also after a restart)
            step.state = StepState.WAITING;
            step.dueAt = suspended.resumeAt();
            if (step.resumeRequested) {
                // what it parks for happened while it ran (a child run ended): due now
                step.resumeRequested = false;
                step.dueAt = now();
            }
            step.resumeState = suspended.state();
            step.output = suspended.state();
            step.outputJson = outputJson;
            effects.stepChanged(run, step);
            Instant wake = step.attemptDeadline != null && step.attemptDeadline.isBefore(step.dueAt) ? step.attemptDeadline : step.dueAt;
            effects.wakeAt(run, step, wake);
            return;
        }
        if (failAttempt(run, step, (StepResult.Failure) result, outputJson) && step.state == StepState.FAILED) {
            advance(run);
        }
    }

    /**
     * Something a WAITING step waits for happened: it is due now. A step still in its attempt is
     * due as soon as it parks. Returns whether the run should advance now.
     */
    boolean resumeNow(StepRecord step) {
        if (step.state == StepState.WAITING) {
            step.dueAt = now();
            return true;
        }
        if (step.state == StepState.RUNNING) {
            step.resumeRequested = true;
        }
        return false;
    }

    /** The run is cancelled: every unfinished step is CANCELLED and running attempts are stopped. */
    void cancel(ActiveRun run) {
        Instant now = now();
        for (StepRecord step : run.steps.values()) {
            if (!step.state.isFinished()) {
                step.state = StepState.CANCELLED;
                step.endedAt = now;
                step.error = "the run was cancelled";
                effects.stepSaved(run, step);
            }
        }
        effects.stopAttempts(run, "the run was cancelled");
        run.state = RunState.CANCELLED;
        run.endedAt = now;
        effects.runSaved(run);
    }

    /**
     * The run's own timeout passed: running steps fail, waiting ones are cancelled, and the run
     * fails (after its onFailure steps, which the timeout does not bound).
     */
    void timeOut(ActiveRun run, Duration timeout) {
        if (run.state.isFinished() || run.failurePhase) {
            return;
        }
        run.error = "the run did not finish within " + timeout.toMillis() + " ms";
        Instant now = now();
        for (StepRecord step : run.steps.values()) {
            if (!step.state.isFinished()) {
                step.state = step.state == StepState.RUNNING ? StepState.FAILED : StepState.CANCELLED;
                step.error = run.error;
                step.endedAt = now;
                effects.stepSaved(run, step);
            }
        }
        effects.stopAttempts(run, run.error);
        if (run.state == RunState.PAUSED) {
            run.state = RunState.RUNNING;
        }
        effects.runSaved(run);
        advance(run);
    }

    /** Whether the run starts steps: PENDING (none has started yet) or RUNNING. */
    private static boolean advancing(ActiveRun run) {
        return run.state == RunState.RUNNING || run.state == RunState.PENDING;
    }

    private static List<StepDefinition> phase(ActiveRun run) {
        return run.failurePhase ? run.definition.onFailure() : run.definition.steps();
    }

    /** A step of a PENDING run starts: the run is RUNNING from now on. */
    private void markRunning(ActiveRun run) {
        if (run.state != RunState.PENDING) {
            return;
        }
        run.state = RunState.RUNNING;
        if (run.stored) { // else its insert, still to come, stores it RUNNING
            effects.runChanged(run, RunState.PENDING);
        }
    }

    private boolean tryStart(ActiveRun run, StepRecord step) {
        StepDefinition definition = step.definition;
        if (step.state == StepState.WAITING && step.attemptDeadline != null && !now().isBefore(step.attemptDeadline)) {
            // a step's timeout bounds its whole attempt, the time it spent parked included
            return failAttempt(run, step, new StepResult.Failure("timed out after " + definition.timeout().toMillis() + " ms", true), null);
        }
        if (step.state == StepState.RETRY_WAIT || step.state == StepState.WAITING) {
            return startIfDue(run, step);
        }
        if (step.itemKeys == null) {
            for (String need : definition.needs()) {
                StepRecord needed = run.steps.get(need);
                if (needed == null || !needed.state.isFinished()) {
                    return false;
                }
                boolean usable = needed.state == StepState.SUCCEEDED
                        || needed.state == StepState.FAILED && needed.definition.continueOnError();
                if (!usable) {
                    return conclude(run, step, StepState.SKIPPED, null, null, "not run: step '" + need + "' it needs is " + needed.state);
                }
            }
            Map<String, Object> variables = RunVariables.of(run, null);
            if (definition.when() != null) {
                try {
                    if (!RunVariables.truthy(Expressions.evaluate(definition.when(), variables))) {
                        return conclude(run, step, StepState.SKIPPED, null, null, "not run: 'when' was false");
                    }
                } catch (IllegalArgumentException e) {
                    return conclude(run, step, StepState.FAILED, null, null, "'when': " + e.getMessage());
                }
            }
            if (definition.foreach() != null) {
                return expand(run, step, variables);
            }
        }
        return startAttempt(run, step);
    }

    /** Starts a RETRY_WAIT or WAITING step that is due; otherwise makes sure the run is woken when it is. */
    private boolean startIfDue(ActiveRun run, StepRecord step) {
        if (step.dueAt == null || !step.dueAt.isAfter(now())) {
            return startAttempt(run, step);
        }
        effects.wakeAt(run, step, step.dueAt);
        return false;
    }

    private boolean expand(ActiveRun run, StepRecord step, Map<String, Object> variables) {
        Object list;
        try {
            list = Expressions.evaluate(step.definition.foreach(), variables);
        } catch (IllegalArgumentException e) {
            return conclude(run, step, StepState.FAILED, null, null, "'foreach': " + e.getMessage());
        }
        if (!(list instanceof List<?> items)) {
            return conclude(run, step, StepState.FAILED, null, null, "'foreach' must give a list, got "
                    + (list == null ? "nothing" : list.getClass().getSimpleName()));
        }
        if (items.isEmpty()) {
            return conclude(run, step, StepState.SUCCEEDED, List.of(), null, null);
        }
        step.itemKeys = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            StepRecord item = new StepRecord(step.definition, i, items.get(i));
            run.steps.put(item.key, item);
            step.itemKeys.add(item.key);
        }
        step.state = StepState.RUNNING;
        step.startedAt = now();
        markRunning(run);
        effects.stepChanged(run, step);
        return true;
    }

    private boolean advanceItems(ActiveRun run, StepRecord parent) {
        int busy = 0;
        boolean allDone = true;
        for (String key : parent.itemKeys) {
            StepRecord item = run.steps.get(key);
            if (item.state == StepState.RUNNING || item.state == StepState.RETRY_WAIT || item.state == StepState.WAITING) {
                busy++;
            }
            allDone &= item.state.isFinished();
        }
        if (allDone) {
            List<Object> outputs = new ArrayList<>();
            String failure = null;
            for (String key : parent.itemKeys) {
                StepRecord item = run.steps.get(key);
                // a failed item's own output (a failure may carry one) would pass for a result here
                outputs.add(item.state == StepState.SUCCEEDED ? item.output : null);
                if (item.state == StepState.FAILED && failure == null) {
                    failure = "item " + item.item + " failed: " + item.error;
                }
            }
            return failure == null
                    ? conclude(run, parent, StepState.SUCCEEDED, outputs, null, null)
                    : conclude(run, parent, StepState.FAILED, outputs, null, failure);
        }
        boolean progressed = false;
        for (String key : parent.itemKeys) {
            StepRecord item = run.steps.get(key);
            if (item.state == StepState.RETRY_WAIT || item.state == StepState.WAITING) {
                progressed |= startIfDue(run, item); // already counted as busy
            } else if ((item.state == StepState.PENDING || item.state == StepState.WAITING_FOR_STEP_TYPE)
                    && busy < parent.definition.concurrency() && startAttempt(run, item)) {
                busy++;
                progressed = true;
            }
        }
        return progressed;
    }

    /** Decides the next attempt of a step (or its resumption), which starts once its RUNNING state is stored. */
    private boolean startAttempt(ActiveRun run, StepRecord step) {
        Optional<StepType> type = effects.stepType(step.definition.type());
        if (type.isEmpty()) {
            return waitForStepType(run, step);
        }
        if (!effects.takeSlot(run)) {
            return false;
        }
        Map<String, Object> inputs;
        try {
            Object evaluated = Expressions.evaluateTree(step.definition.with(), RunVariables.of(run, step));
            inputs = evaluated instanceof Map<?, ?> map ? RunVariables.castMap(map) : Map.of("value", evaluated);
        } catch (IllegalArgumentException e) {
            effects.giveBackSlot(run);
            return conclude(run, step, StepState.FAILED, null, null, "input: " + e.getMessage());
        }
        String mismatch = inputMismatch(step, type.get(), inputs);
        if (mismatch != null) {
            effects.giveBackSlot(run);
            return conclude(run, step, StepState.FAILED, null, null, mismatch);
        }
        // a suspended step resumes within its attempt, with what it asked to get back
        boolean resuming = step.state == StepState.WAITING;
        Map<String, Object> resumeState = resuming && step.resumeState != null ? step.resumeState : Map.of();
        Instant now = now();
        if (!resuming) {
            step.attempt++;
            step.attemptDeadline = step.definition.timeout() == null ? null : now.plus(step.definition.timeout());
        }
        step.resumeState = null;
        step.resumeRequested = false;
        step.output = null;
        step.outputJson = null;
        step.state = StepState.RUNNING;
        step.waitingSince = null;
        step.dueAt = null;
        step.error = null;
        if (step.startedAt == null) {
            step.startedAt = now;
        }
        markRunning(run);
        effects.attemptDecided(run, step, type.get(), inputs, resumeState);
        return true;
    }

    /**
     * How a step's evaluated input does not fit its type's input schema, as a message that names the
     * step, the type and each field; null when it fits. A mismatch cannot heal by retrying.
     */
    static String inputMismatch(StepRecord step, StepType type, Map<String, Object> inputs) {
        Map<String, Object> schema = type.inputSchema();
        if (schema == null || schema.isEmpty() || ANY_OBJECT.equals(schema)) {
            return null;
        }
        List<String> problems;
        try {
            problems = JsonSchemas.mismatches(schema, inputs);
        } catch (RuntimeException unusableSchema) {
            return "step '" + step.definition.id() + "': the input schema of step type '" + type.name() + "' cannot be used: "
                    + unusableSchema.getMessage();
        }
        if (problems.isEmpty()) {
            return null;
        }
        return "step '" + step.definition.id() + "': its input ('with') does not fit step type '" + type.name() + "': "
                + String.join("; ", problems);
    }

    /**
     * A failed attempt: the next one after the retry delay if the policy allows, else the step fails
     * with the failure's output ({@code outputJson}, serialised on the worker).
     */
    private boolean failAttempt(ActiveRun run, StepRecord step, StepResult.Failure failure, String outputJson) {
        if (failure.retryable() && step.attempt <= step.definition.retry().max()) {
            Duration delay = step.definition.retry().delayBefore(step.attempt);
            step.state = StepState.RETRY_WAIT;
            step.error = failure.message();
            step.dueAt = now().plus(delay);
            step.resumeState = null;
            step.output = null;
            step.outputJson = null;
            effects.stepChanged(run, step);
            effects.wakeAt(run, step, step.dueAt);
            return true;
        }
        String message = failure.message() + (failure.retryable() && step.definition.retry().max() > 0
                ? " (after " + step.attempt + " attempts)" : "");
        return conclude(run, step, StepState.FAILED, failure.output(), outputJson, message);
    }

    /** Records a step's final state, with its output and, when the worker serialised it already, its JSON. */
    private boolean conclude(ActiveRun run, StepRecord step, StepState state, Object output, String outputJson, String error) {
        step.state = state;
        step.output = output;
        step.outputJson = outputJson;
        step.error = error;
        step.endedAt = now();
        step.dueAt = null;
        effects.stepChanged(run, step);
        return true;
    }

    private boolean waitForStepType(ActiveRun run, StepRecord step) {
        Instant now = now();
        Duration limit = stepTypeWaitLimit.get();
        if (step.state != StepState.WAITING_FOR_STEP_TYPE) {
            step.state = StepState.WAITING_FOR_STEP_TYPE;
            step.waitingSince = now;
            LOG.warn("Run {} step {} waits: no bundle provides step type '{}'", run.runId, step.key, step.definition.type());
            effects.stepChanged(run, step);
            effects.wakeAt(run, step, now.plus(limit));
            return false;
        }
        if (step.waitingSince == null) {
            step.waitingSince = now; // recovered after a restart: the wait starts again
            effects.wakeAt(run, step, now.plus(limit));
        }
        if (!step.waitingSince.plus(limit).isAfter(now)) {
            return conclude(run, step, StepState.FAILED, null, null, "no installed bundle provides step type '" + step.definition.type()
                    + "' (waited " + limit.toSeconds() + " s)");
        }
        return false;
    }

    /** Ends the current phase: starts the onFailure phase (returns true) or ends the run. */
    private boolean completePhase(ActiveRun run) {
        String failure = run.error;
        if (failure == null && !run.failurePhase) {
            for (StepDefinition definition : phase(run)) {
                StepRecord step = run.steps.get(definition.id());
                if (step.state == StepState.FAILED && !definition.continueOnError()) {
                    failure = "step '" + definition.id() + "' failed: " + step.error;
                    break;
                }
            }
        }
        RunState before = run.state;
        if (!run.failurePhase && failure != null && !run.definition.onFailure().isEmpty()) {
            run.failurePhase = true;
            run.error = failure;
            for (StepDefinition definition : run.definition.onFailure()) {
                StepRecord step = new StepRecord(definition, null, null);
                run.steps.put(step.key, step);
            }
            effects.runSaved(run);
            return true;
        }
        run.state = failure == null && !run.failurePhase ? RunState.SUCCEEDED : RunState.FAILED;
        if (run.failurePhase && run.error == null) {
            run.error = "an onFailure step ran";
        } else if (failure != null) {
            run.error = failure;
        }
        run.endedAt = now();
        effects.runEnded(run, before);
        return false;
    }

    private Instant now() {
        return clock.instant();
    }
}
