package dev.conflux.workflow.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.Test;

import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.StepState;
import dev.conflux.workflow.internal.TestStepTypes;
import dev.conflux.workflow.internal.definition.DefinitionParser;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;

/** The scheduler alone: decisions on a run in memory, with a clock that moves only when told; no threads, no database, no sleeps. */
public class RunSchedulerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final Map<String, StepType> types = new HashMap<>();
    private final Recorder effects = new Recorder();
    private final RunScheduler scheduler = new RunScheduler(clock, () -> Duration.ofSeconds(30), effects);

    public RunSchedulerTest() {
        types.put("noop", type("noop", Map.of("type", "object")));
    }

    @Test
    public void stepsAreDueInTheOrderTheirNeedsAllowAndTheRunEndsWhenTheyAreDone() {
        ActiveRun run = run("""
                id: diamond
                steps:
                  - {id: a, type: noop}
                  - {id: b, type: noop, needs: [a]}
                  - {id: c, type: noop, needs: [a]}
                  - {id: d, type: noop, needs: [b, c]}
                """);
        scheduler.advance(run);
        assertEquals(List.of("a"), effects.started());
        assertEquals(RunState.RUNNING, run.state);
        succeed(run, "a");
        assertEquals(List.of("a", "b", "c"), effects.started());
        succeed(run, "b");
        assertEquals("d needs c too", List.of("a", "b", "c"), effects.started());
        succeed(run, "c");
        succeed(run, "d");
        assertEquals(RunState.SUCCEEDED, run.state);
        assertEquals(1, effects.ended);
        assertEquals(clock.instant(), run.endedAt);
    }

    @Test
    public void aForeachRunsItsItemsAtMostConcurrencyAtATimeAndCollectsTheirOutputsInOrder() {
        ActiveRun run = run("""
                id: fan
                inputs: {type: object}
                steps:
                  - {id: each, type: noop, foreach: "${inputs.list}", concurrency: 2, with: {v: "${item}"}}
                """, Map.of("list", List.of("x", "y", "z")));
        scheduler.advance(run);
        assertEquals(List.of("each#0", "each#1"), effects.started());
        assertEquals(Map.of("v", "x"), effects.inputs.get("each#0"));
        succeed(run, "each#1", "Y");
        assertEquals(List.of("each#0", "each#1", "each#2"), effects.started());
        succeed(run, "each#2", "Z");
        succeed(run, "each#0", "X");
        assertEquals(StepState.SUCCEEDED, run.steps.get("each").state);
        assertEquals(List.of("X", "Y", "Z"), run.steps.get("each").output);
        assertEquals(RunState.SUCCEEDED, run.state);
    }

    @Test
    public void aFalseWhenSkipsTheStepAndWhatNeedsIt() {
        ActiveRun run = run("""
                id: guarded
                steps:
                  - {id: a, type: noop, when: "${1 > 2}"}
                  - {id: b, type: noop, needs: [a]}
                """);
        scheduler.advance(run);
        assertEquals(List.of(), effects.started());
        assertEquals(StepState.SKIPPED, run.steps.get("a").state);
        assertEquals(StepState.SKIPPED, run.steps.get("b").state);
        assertEquals(RunState.SUCCEEDED, run.state);
    }

    @Test
    public void aRetryableFailureWaitsForItsBackoffAndThenRunsTheNextAttempt() {
        ActiveRun run = run("""
                id: flaky
                steps:
                  - {id: a, type: noop, retry: {max: 2, initial: 1s, backoff: fixed, jitter: false}}
                """);
        scheduler.advance(run);
        StepRecord a = run.steps.get("a");
        scheduler.outcome(run, a, 1, StepResult.retryableFailure("busy"), null);
        assertEquals(StepState.RETRY_WAIT, a.state);
        assertEquals(clock.instant().plusSeconds(1), effects.wakes.get("a"));
        scheduler.advance(run);
        assertEquals("not due yet", 1, effects.started().size());
        clock.advance(Duration.ofSeconds(1));
        scheduler.advance(run);
        assertEquals(2, effects.started().size());
        assertEquals(2, a.attempt);
        scheduler.outcome(run, a, 2, StepResult.retryableFailure("busy"), null);
        clock.advance(Duration.ofSeconds(1));
        scheduler.advance(run);
        scheduler.outcome(run, a, 3, StepResult.retryableFailure("still busy"), null);
        assertEquals(StepState.FAILED, a.state);
        assertEquals("still busy (after 3 attempts)", a.error);
        assertEquals(RunState.FAILED, run.state);
        assertEquals("step 'a' failed: still busy (after 3 attempts)", run.error);
    }

    @Test
    public void aFailedRunRunsItsOnFailureStepsAndThenFails() {
        ActiveRun run = run("""
                id: guarded
                steps:
                  - {id: a, type: noop}
                onFailure:
                  - {id: alert, type: noop}
                """);
        scheduler.advance(run);
        scheduler.outcome(run, run.steps.get("a"), 1, StepResult.permanentFailure("no"), null);
        assertTrue(run.failurePhase);
        assertEquals(List.of("a", "alert"), effects.started());
        assertEquals(RunState.RUNNING, run.state);
        succeed(run, "alert");
        assertEquals(RunState.FAILED, run.state);
        assertEquals("step 'a' failed: no", run.error);
    }

    @Test
    public void anInputThatDoesNotFitTheStepTypesSchemaFailsTheStepBeforeAnyAttempt() {
        types.put("fetch", type("fetch", Map.of("type", "object", "required", List.of("url"),
                "properties", Map.of("url", Map.of("type", "string")))));
        ActiveRun run = run("""
                id: typed
                steps:
                  - {id: get, type: fetch, with: {url: 42}, retry: {max: 3}}
                """);
        scheduler.advance(run);
        StepRecord get = run.steps.get("get");
        assertEquals(List.of(), effects.started());
        assertEquals(StepState.FAILED, get.state);
        assertEquals(0, get.attempt);
        assertTrue(get.error, get.error.startsWith("step 'get': its input ('with') does not fit step type 'fetch': "));
        assertTrue(get.error, get.error.contains("$.url"));
        assertEquals("the slot taken for it was given back", 0, effects.slots);
        assertEquals(RunState.FAILED, run.state);
    }

    @Test
    public void aMissingStepTypeIsAwaitedUntilTheLimitThenTheStepFails() {
        ActiveRun run = run("""
                id: waits
                steps:
                  - {id: a, type: later}
                """);
        scheduler.advance(run);
        StepRecord a = run.steps.get("a");
        assertEquals(StepState.WAITING_FOR_STEP_TYPE, a.state);
        assertEquals(RunState.PENDING, run.state);
        assertEquals(clock.instant().plusSeconds(30), effects.wakes.get("a"));
        clock.advance(Duration.ofSeconds(29));
        scheduler.advance(run);
        assertEquals(StepState.WAITING_FOR_STEP_TYPE, a.state);
        clock.advance(Duration.ofSeconds(1));
        scheduler.advance(run);
        assertEquals(StepState.FAILED, a.state);
        assertEquals("no installed bundle provides step type 'later' (waited 30 s)", a.error);
    }

    @Test
    public void aParkedStepResumesWhenDueOrWhenResumedAndOneResumedWhileRunningIsDueWhenItParks() {
        ActiveRun run = run("""
                id: parks
                steps:
                  - {id: a, type: noop}
                """);
        scheduler.advance(run);
        StepRecord a = run.steps.get("a");
        scheduler.outcome(run, a, 1, StepResult.resumeAt(clock.instant().plusSeconds(3600), Map.of("k", 1)), "{\"k\":1}");
        assertEquals(StepState.WAITING, a.state);
        scheduler.advance(run);
        assertEquals(1, effects.started().size());
        assertTrue(scheduler.resumeNow(a));
        scheduler.advance(run);
        assertEquals("resumed in the same attempt", List.of("a", "a"), effects.started());
        assertEquals(1, a.attempt);
        assertEquals(Map.of("k", 1), effects.resumeStates.get(1));

        // resumed while its attempt runs: due as soon as it parks
        assertEquals(false, scheduler.resumeNow(a));
        scheduler.outcome(run, a, 1, StepResult.resumeAt(clock.instant().plusSeconds(3600), Map.of()), "{}");
        assertEquals(clock.instant(), a.dueAt);
        scheduler.advance(run);
        assertEquals(3, effects.started().size());
    }

    @Test
    public void theRunsTimeoutFailsTheRunningStepCancelsTheRestAndStopsAttempts() {
        ActiveRun run = run("""
                id: slow
                steps:
                  - {id: a, type: noop}
                  - {id: b, type: noop, needs: [a]}
                """);
        scheduler.advance(run);
        scheduler.timeOut(run, Duration.ofSeconds(5));
        assertEquals(StepState.FAILED, run.steps.get("a").state);
        assertEquals(StepState.CANCELLED, run.steps.get("b").state);
        assertEquals(List.of("the run did not finish within 5000 ms"), effects.stopped);
        assertEquals(RunState.FAILED, run.state);
        assertEquals("the run did not finish within 5000 ms", run.error);
        scheduler.outcome(run, run.steps.get("a"), 1, StepResult.success("late"), null);
        assertEquals("a result that comes too late changes nothing", StepState.FAILED, run.steps.get("a").state);
    }

    private void succeed(ActiveRun run, String key) {
        succeed(run, key, null);
    }

    private void succeed(ActiveRun run, String key, Object output) {
        StepRecord step = run.steps.get(key);
        assertNotNull("no step " + key, step);
        scheduler.outcome(run, step, step.attempt, StepResult.success(output), null);
    }

    private ActiveRun run(String yaml) {
        return run(yaml, Map.of());
    }

    private ActiveRun run(String yaml, Map<String, Object> inputs) {
        DefinitionParser.Result parsed = new DefinitionParser(1 << 20, t -> true).parse(yaml);
        assertEquals(List.of(), parsed.errors());
        WorkflowDefinition definition = parsed.definition();
        ActiveRun run = new ActiveRun("r-1", definition, 1, inputs, "api", clock.instant(), RunState.PENDING);
        run.stored = true;
        definition.steps().forEach(d -> run.steps.put(d.id(), new StepRecord(d, null, null)));
        return run;
    }

    private static StepType type(String name, Map<String, Object> schema) {
        return TestStepTypes.of(name, schema, context -> {
            throw new AssertionError("the scheduler never runs a step itself");
        });
    }

    private final class Recorder implements RunScheduler.Effects {
        final List<String> attempts = new ArrayList<>();
        final Map<String, Map<String, Object>> inputs = new HashMap<>();
        final List<Map<String, Object>> resumeStates = new ArrayList<>();
        final Map<String, Instant> wakes = new HashMap<>();
        final List<String> stopped = new ArrayList<>();
        int slots;
        int ended;

        List<String> started() {
            return attempts;
        }

        @Override
        public Optional<StepType> stepType(String name) {
            return Optional.ofNullable(types.get(name));
        }

        @Override
        public boolean takeSlot(ActiveRun run) {
            slots++;
            return true;
        }

        @Override
        public void giveBackSlot(ActiveRun run) {
            slots--;
        }

        @Override
        public void stepChanged(ActiveRun run, StepRecord step) {
        }

        @Override
        public void stepSaved(ActiveRun run, StepRecord step) {
        }

        @Override
        public void runSaved(ActiveRun run) {
        }

        @Override
        public void runChanged(ActiveRun run, RunState before) {
        }

        @Override
        public void runEnded(ActiveRun run, RunState before) {
            ended++;
        }

        @Override
        public void attemptDecided(ActiveRun run, StepRecord step, StepType type, Map<String, Object> stepInputs,
                Map<String, Object> resumeState) {
            attempts.add(step.key);
            inputs.put(step.key, stepInputs);
            resumeStates.add(resumeState);
        }

        @Override
        public void wakeAt(ActiveRun run, StepRecord step, Instant when) {
            wakes.put(step.key, when);
        }

        @Override
        public void stopAttempts(ActiveRun run, String why) {
            stopped.add(why);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
