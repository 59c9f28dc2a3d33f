package dev.conflux.workflow.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepState;
import dev.conflux.api.workflow.StepView;
import dev.conflux.store.internal.FlywaySchemaMigrator;
import dev.conflux.workflow.internal.TestStepTypes;
import dev.conflux.workflow.internal.definition.DefinitionParser;
import dev.conflux.workflow.internal.definition.DefinitionParserTest;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;
import dev.conflux.workflow.internal.steps.DelayStep;
import dev.conflux.workflow.internal.steps.FailStep;
import dev.conflux.workflow.internal.steps.LogStep;
import dev.conflux.workflow.internal.steps.TransformStep;

public class RunEngineTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private JdbcDataSource dataSource;
    private final Map<String, WorkflowDefinition> workflows = new ConcurrentHashMap<>();
    private final Map<String, StepType> types = new ConcurrentHashMap<>();
    private final List<String> topics = Collections.synchronizedList(new ArrayList<>());
    private RunEngine engine;
    private int perWorkflowLimit;

    @Before
    public void engine() {
        dataSource = new JdbcDataSource();
        // DB_CLOSE_DELAY keeps the database open between connections, as a pool would
        dataSource.setURL("jdbc:h2:" + new File(folder.getRoot(), "db").getAbsolutePath() + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
        new FlywaySchemaMigrator(dataSource).migrate("workflow", getClass().getClassLoader());
        for (StepType type : List.of(new LogStep(), new TransformStep(), new DelayStep(), new FailStep())) {
            types.put(type.name(), type);
        }
        engine = newEngine();
    }

    @After
    public void stop() {
        engine.close();
    }

    private RunEngine newEngine() {
        return new RunEngine(dataSource, new RunEngine.Definitions() {
            @Override
            public Optional<RunEngine.Loaded> current(String workflowId) {
                return Optional.ofNullable(workflows.get(workflowId)).map(d -> new RunEngine.Loaded(d, 1));
            }

            @Override
            public Optional<WorkflowDefinition> version(String workflowId, int version) {
                return Optional.ofNullable(workflows.get(workflowId));
            }
        }, name -> Optional.ofNullable(types.get(name)), (topic, props) -> topics.add(topic),
                new RunEngine.Settings(8, perWorkflowLimit, Duration.ofSeconds(30)));
    }

    private void restartWithLimitPerWorkflow(int limit) {
        engine.close();
        perWorkflowLimit = limit;
        engine = newEngine();
    }

    private void deploy(String yaml) {
        DefinitionParser.Result result = new DefinitionParser(1 << 20, t -> true).parse(yaml);
        assertEquals(List.of(), result.errors());
        workflows.put(result.definition().id(), result.definition());
    }

    @Test
    public void theReferenceWorkflowSucceedsWithForeachOutputsInOrder() throws Exception {
        deploy(DefinitionParserTest.ORDER_INTAKE);
        RunView started = engine.start("order-intake", Map.of("orderId", "o-17"), "api");
        RunView done = await(started.runId(), r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
        assertEquals(StepState.SUCCEEDED, step(done, "notify", null).state());
        assertEquals(List.of(Map.of("line", 1), Map.of("line", 2), Map.of("line", 3)), step(done, "check-line", null).output());
        assertEquals(Map.of("order", "o-17", "lines", List.of(1, 2, 3)), step(done, "fetch", null).output());
        assertEquals(StepState.SUCCEEDED, step(done, "check-line", 2).state());
        assertTrue(runTopicsOnceEnded().contains("conflux/workflow/run/SUCCEEDED"));
        assertTrue(topics.contains("conflux/workflow/step/RUNNING"));
        assertTrue(engine.store().logs(started.runId(), 0, 10).toString().contains("order o-17 checked"));
    }

    @Test
    public void twoNodesStartingTheSameRunIdStartOneRun() throws Exception {
        java.util.concurrent.atomic.AtomicInteger executions = new java.util.concurrent.atomic.AtomicInteger();
        types.put("count", step("count", ctx -> {
            executions.incrementAndGet();
            return StepResult.success(null);
        }));
        deploy("id: nightly\nsteps:\n  - {id: only, type: count}\n");
        RunEngine otherNode = newEngine();
        try {
            for (int fire = 0; fire < 20; fire++) {
                String runId = java.util.UUID.nameUUIDFromBytes(("cron:nightly@" + fire).getBytes()).toString();
                CountDownLatch go = new CountDownLatch(1);
                var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return engine.start("nightly", Map.of(), "cron", runId);
                });
                var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return otherNode.start("nightly", Map.of(), "cron", runId);
                });
                go.countDown();
                assertEquals(runId, a.get(10, TimeUnit.SECONDS).runId());
                assertEquals(runId, b.get(10, TimeUnit.SECONDS).runId());
                await(runId, r -> r.state() == RunState.SUCCEEDED);
            }
            awaitIdle(engine);
            awaitIdle(otherNode);
            assertEquals("each fire time ran its step once", 20, executions.get());
        } finally {
            otherNode.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void independentStepsRunAtTheSameTime() {
        CountDownLatch bothStarted = new CountDownLatch(2);
        types.put("rendezvous", step("rendezvous", ctx -> {
            bothStarted.countDown();
            return bothStarted.await(5, TimeUnit.SECONDS) ? StepResult.success(null) : StepResult.permanentFailure("ran alone");
        }));
        deploy("id: parallel\nsteps:\n  - {id: a, type: rendezvous}\n  - {id: b, type: rendezvous}\n  - {id: c, type: log, needs: [a, b], with: {message: done}}\n");
        RunView done = await(engine.start("parallel", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
    }

    @Test
    public void theLimitPerWorkflowBoundsItsRunningStepsWhileOtherWorkflowsGoOn() throws Exception {
        restartWithLimitPerWorkflow(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        types.put("busy", step("busy", ctx -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(100);
            running.decrementAndGet();
            return StepResult.success(null);
        }));
        deploy("id: wide\nsteps:\n  - {id: a, type: busy}\n  - {id: b, type: busy}\n  - {id: c, type: busy}\n  - {id: d, type: busy}\n");
        deploy("id: other\nsteps:\n  - {id: a, type: log, with: {message: x}}\n");
        String wide = engine.start("wide", Map.of(), "api").runId();
        String other = engine.start("other", Map.of(), "api").runId();
        assertEquals(RunState.SUCCEEDED, await(other, r -> r.state().isFinished()).state());
        assertEquals(RunState.SUCCEEDED, await(wide, r -> r.state().isFinished()).state());
        assertTrue("at most 2 of the 4 independent steps ran at once, saw " + most.get(), most.get() <= 2);
    }

    @Test
    public void aStepWaitingForItsWorkflowsSlotDoesNotKeepTheEngineBusy() throws Exception {
        restartWithLimitPerWorkflow(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        types.put("hold", step("hold", ctx -> {
            release.await(10, TimeUnit.SECONDS);
            return StepResult.success(null);
        }));
        deploy("id: narrow\nsteps:\n  - {id: a, type: hold}\n  - {id: b, type: hold}\n");
        String run = engine.start("narrow", Map.of(), "api").runId();
        await(run, r -> step(r, "a", null).state() == StepState.RUNNING || step(r, "b", null).state() == StepState.RUNNING);
        // one step holds the workflow's only slot, the other waits for it while 7 global slots are free
        long before = dispatchCpuNanos();
        Thread.sleep(500);
        long spent = dispatchCpuNanos() - before;
        release.countDown();
        assertEquals(RunState.SUCCEEDED, await(run, r -> r.state().isFinished()).state());
        assertTrue("the dispatch threads used " + spent / 1_000_000 + " ms of CPU in 500 ms of waiting", spent < 100_000_000L);
    }

    @Test
    public void aRaisedLimitStartsWaitingStepsAtOnceWithoutARestart() throws Exception {
        restartWithLimitPerWorkflow(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        types.put("hold", step("hold", ctx -> {
            running.incrementAndGet();
            release.await(10, TimeUnit.SECONDS);
            running.decrementAndGet();
            return StepResult.success(ctx.attempt());
        }));
        deploy("id: widen\nsteps:\n  - {id: a, type: hold}\n  - {id: b, type: hold}\n  - {id: c, type: hold}\n");
        String run = engine.start("widen", Map.of(), "api").runId();
        await(run, r -> r.steps().stream().filter(s -> s.state() == StepState.RUNNING).count() == 1);
        awaitCondition("the run waits for its workflow's slot", () -> engine.waitingForSlot() == 1);
        awaitCondition("the first step runs", () -> running.get() == 1);
        assertEquals(1, running.get());

        engine.apply(new RunEngine.Settings(8, 3, Duration.ofSeconds(30)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("the two waiting steps started beside the running one", 3, running.get());
        release.countDown();
        RunView done = await(run, r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals("no attempt was stopped or repeated", 1, step(done, "a", null).attempt());
    }

    /** CPU time of the engine's dispatch threads so far. */
    private static long dispatchCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("conflux-workflow-dispatch")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    @Test
    public void retriesWithBackoffUntilTheStepSucceedsOrTheRetriesRunOut() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        types.put("flaky", step("flaky", ctx -> {
            attempts.add(ctx.attempt());
            return calls.incrementAndGet() < 3 ? StepResult.retryableFailure("busy") : StepResult.success("ok");
        }));
        deploy("id: flaky\nsteps:\n  - {id: a, type: flaky, retry: {max: 3, initial: 10ms, jitter: false}}\n");
        RunView done = await(engine.start("flaky", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals(List.of(1, 2, 3), attempts);
        assertEquals(3, step(done, "a", null).attempt());

        types.put("down", step("down", ctx -> StepResult.retryableFailure("HTTP 503")));
        deploy("id: down\nsteps:\n  - {id: a, type: down, retry: {max: 2, initial: 10ms}}\n");
        RunView failed = await(engine.start("down", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.FAILED, failed.state());
        assertEquals("HTTP 503 (after 3 attempts)", step(failed, "a", null).error());
        assertEquals("step 'a' failed: HTTP 503 (after 3 attempts)", failed.error());

        types.put("refused", step("refused", ctx -> StepResult.permanentFailure("HTTP 404")));
        deploy("id: refused\nsteps:\n  - {id: a, type: refused, retry: {max: 5, initial: 10ms}}\n");
        RunView notRetried = await(engine.start("refused", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(1, step(notRetried, "a", null).attempt());
    }

    @Test
    public void foreachItemsWaitingForARetryAreNotStarvedByTheConcurrencyLimit() {
        Map<Object, AtomicInteger> calls = new ConcurrentHashMap<>();
        types.put("first-fails", step("first-fails", ctx -> calls.computeIfAbsent(ctx.inputs().get("n"), k -> new AtomicInteger())
                .incrementAndGet() == 1 ? StepResult.retryableFailure("busy") : StepResult.success(ctx.inputs().get("n"))));
        deploy("id: items\nsteps:\n  - {id: a, type: first-fails, foreach: \"${[1, 2, 3]}\", concurrency: 1,"
                + " with: {n: \"${item}\"}, retry: {max: 2, initial: 20ms, jitter: false}}\n");
        RunView done = await(engine.start("items", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
        assertEquals(List.of(1, 2, 3), step(done, "a", null).output());
    }

    @Test
    public void aRetryThatWasWaitingWhenTheEngineStoppedIsStillMadeAfterARestart() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        types.put("once-busy", step("once-busy", ctx -> calls.incrementAndGet() == 1 ? StepResult.retryableFailure("busy") : StepResult.success("ok")));
        deploy("id: patient\nsteps:\n  - {id: a, type: once-busy, retry: {max: 1, initial: 1s, jitter: false}}\n");
        String runId = engine.start("patient", Map.of(), "api").runId();
        await(runId, r -> step(r, "a", null).state() == StepState.RETRY_WAIT);
        engine.close();
        engine = newEngine();
        engine.recover();
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals(2, step(done, "a", null).attempt());
    }

    @Test
    public void aForeachCutShortByACrashRunsEveryItemWithItsValueAfterTheRestart() throws Exception {
        java.util.concurrent.CountDownLatch secondStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        types.put("greet", step("greet", ctx -> {
            seen.add(ctx.inputs().get("name"));
            if (hold.get() && "bo".equals(ctx.inputs().get("name"))) {
                secondStarted.countDown();
                Thread.sleep(30_000); // the engine stops (and interrupts it) meanwhile
            }
            return StepResult.success("hi " + ctx.inputs().get("name"));
        }));
        deploy("id: greetings\nsteps:\n  - {id: each, type: greet, foreach: \"${inputs.names}\", concurrency: 1,"
                + " with: {name: \"${item}\"}}\n");
        String runId = engine.start("greetings", Map.of("names", List.of("al", "bo", "cy", "di")), "api").runId();
        assertTrue(secondStarted.await(10, TimeUnit.SECONDS));
        engine.close(); // as a crash leaves it: item 0 done, item 1 RUNNING, items 2 and 3 never stored
        hold.set(false);
        engine = newEngine();
        engine.recover();
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
        assertEquals(List.of("hi al", "hi bo", "hi cy", "hi di"), step(done, "each", null).output());
        assertEquals("only the item that was running ran again", List.of("al", "bo", "bo", "cy", "di"), seen);
    }

    @Test
    public void waitingStepsHoldNoSlotSoManyMoreRunsThanTheLimitCanWaitAtOnce() {
        // the engine runs 8 attempts at once; 40 runs each wait 500 ms in a delay step
        deploy("id: nap\nsteps:\n  - {id: wait, type: delay, with: {duration: 500ms}}\n  - {id: after, type: log, needs: [wait], with: {message: awake}}\n");
        long start = System.nanoTime();
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            runs.add(engine.start("nap", Map.of(), "api").runId());
        }
        for (String runId : runs) {
            RunView done = await(runId, r -> r.state().isFinished());
            assertEquals(done.error(), RunState.SUCCEEDED, done.state());
            assertEquals(1, step(done, "wait", null).attempt());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // held slots would need 40 / 8 * 500 ms = 2.5 s at least
        assertTrue("40 waits of 500 ms took " + millis + " ms", millis < 2_000);
    }

    @Test
    public void aSuspendedStepResumesWithItsStateInTheSameAttemptAlsoAfterARestart() throws Exception {
        List<Map<String, Object>> seen = Collections.synchronizedList(new ArrayList<>());
        types.put("poller", step("poller", ctx -> {
            seen.add(ctx.resumeState());
            int polls = ctx.resumeState().get("polls") instanceof Number n ? n.intValue() : 0;
            return polls < 2 ? StepResult.resumeAfter(Duration.ofMillis(polls == 0 ? 1500 : 50), Map.of("polls", polls + 1))
                    : StepResult.success(Map.of("polls", polls));
        }));
        deploy("id: polling\nsteps:\n  - {id: p, type: poller}\n");
        String runId = engine.start("polling", Map.of(), "api").runId();
        RunView parked = await(runId, r -> step(r, "p", null).state() == StepState.WAITING);
        assertEquals(Map.of("polls", 1), step(parked, "p", null).output());
        engine.close();
        engine = newEngine();
        engine.recover();
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
        assertEquals(Map.of("polls", 2), step(done, "p", null).output());
        assertEquals("resuming is not a new attempt", 1, step(done, "p", null).attempt());
        assertEquals(List.of(Map.of(), Map.of("polls", 1), Map.of("polls", 2)), seen);
    }

    @Test
    public void aTimeoutBoundsTheWholeAttemptIncludingTheTimeItWaits() {
        deploy("id: bounded\nsteps:\n  - {id: a, type: delay, timeout: 200ms, with: {duration: 10s}}\n");
        long start = System.nanoTime();
        RunView done = await(engine.start("bounded", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        assertEquals(RunState.FAILED, done.state());
        assertTrue(step(done, "a", null).error(), step(done, "a", null).error().startsWith("timed out after 200 ms"));
    }

    @Test
    public void anOutputThatCannotBeStoredFailsTheStepInsteadOfStallingTheRun() {
        types.put("odd", step("odd", ctx -> StepResult.success(new Object())));
        deploy("id: odd\nsteps:\n  - {id: a, type: odd}\n");
        RunView done = await(engine.start("odd", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.FAILED, done.state());
        assertTrue(step(done, "a", null).error(), step(done, "a", null).error().startsWith("the step's output cannot be stored as JSON"));
    }

    @Test
    public void aStepPastItsTimeoutIsCancelledAndCountsAsAFailedAttempt() {
        types.put("sleeper", step("sleeper", ctx -> {
            Thread.sleep(10_000);
            return StepResult.success(null);
        }));
        deploy("id: slow\nsteps:\n  - {id: a, type: sleeper, timeout: 100ms, retry: {max: 1, initial: 10ms}}\n");
        long start = System.nanoTime();
        RunView done = await(engine.start("slow", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertTrue((System.nanoTime() - start) / 1_000_000 + " ms", System.nanoTime() - start < 5_000_000_000L);
        assertEquals(RunState.FAILED, done.state());
        assertEquals(2, step(done, "a", null).attempt());
        assertTrue(step(done, "a", null).error(), step(done, "a", null).error().startsWith("timed out after 100 ms"));
    }

    @Test
    public void whenFalseSkipsAndItsDependentsAreSkippedToo() {
        deploy("id: cond\nsteps:\n  - {id: a, type: log, when: \"${inputs.go}\", with: {message: a}}\n"
                + "  - {id: b, type: log, needs: [a], with: {message: b}}\n  - {id: c, type: log, with: {message: c}}\n");
        RunView done = await(engine.start("cond", Map.of("go", false), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals(StepState.SKIPPED, step(done, "a", null).state());
        assertEquals(StepState.SKIPPED, step(done, "b", null).state());
        assertEquals(StepState.SUCCEEDED, step(done, "c", null).state());
    }

    @Test
    public void onFailureStepsRunWhenARunFailsAndContinueOnErrorKeepsItGoing() {
        deploy("id: failing\nsteps:\n  - {id: a, type: fail, with: {message: boom}}\n"
                + "onFailure:\n  - {id: alert, type: log, with: {message: \"failed: ${steps.a.error}\"}}\n");
        RunView failed = await(engine.start("failing", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.FAILED, failed.state());
        assertEquals("step 'a' failed: boom", failed.error());
        assertEquals(StepState.SUCCEEDED, step(failed, "alert", null).state());
        assertEquals(Map.of("message", "failed: boom"), step(failed, "alert", null).output());

        deploy("id: tolerant\nsteps:\n  - {id: a, type: fail, continueOnError: true, with: {message: boom}}\n"
                + "  - {id: b, type: log, needs: [a], with: {message: \"after ${steps.a.state}\"}}\n");
        RunView tolerant = await(engine.start("tolerant", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, tolerant.state());
        assertEquals(Map.of("message", "after FAILED"), step(tolerant, "b", null).output());
    }

    @Test
    public void aFailureWithAnOutputKeepsItForTheStepsAfterIt() throws Exception {
        types.put("refused", step("refused", ctx -> StepResult.permanentFailure("HTTP 422", Map.of("status", 422, "body", "bad order"))));
        deploy("id: refusing\nsteps:\n  - {id: a, type: refused, continueOnError: true}\n"
                + "  - {id: b, type: log, needs: [a], with: {message: \"${steps.a.state} ${steps.a.output.status}: ${steps.a.output.body}\"}}\n");
        // read back from the database, as every view in these tests
        RunView done = await(engine.start("refusing", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals("HTTP 422", step(done, "a", null).error());
        assertEquals(Map.of("status", 422, "body", "bad order"), step(done, "a", null).output());
        assertEquals(Map.of("message", "FAILED 422: bad order"), step(done, "b", null).output());

        // a retryable failure's output is the last attempt's, kept once the retries are used up
        types.put("unavailable", step("unavailable", ctx -> StepResult.retryableFailure("HTTP 503", Map.of("attempt", ctx.attempt()))));
        deploy("id: unavailable\nsteps:\n  - {id: a, type: unavailable, retry: {max: 2, initial: 10ms, jitter: false}}\n");
        RunView failed = await(engine.start("unavailable", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.FAILED, failed.state());
        assertEquals(Map.of("attempt", 3), step(failed, "a", null).output());

        // an output that cannot be stored is dropped; the failure keeps its message and its retries
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        types.put("odd-503", step("odd-503", ctx -> {
            attempts.add(ctx.attempt());
            return StepResult.retryableFailure("HTTP 503", Map.of("connection", new Object()));
        }));
        deploy("id: odd-503\nsteps:\n  - {id: a, type: odd-503, retry: {max: 1, initial: 10ms, jitter: false}}\n");
        RunView odd = await(engine.start("odd-503", Map.of(), "api").runId(), r -> r.state().isFinished());
        assertEquals(List.of(1, 2), attempts);
        String error = step(odd, "a", null).error();
        assertTrue(error, error.startsWith("HTTP 503 (its output cannot be stored as JSON: "));
        assertTrue(error, error.endsWith("(after 2 attempts)"));
        assertEquals(null, step(odd, "a", null).output());

        // a foreach collects its items' results: a failed item's own output is not one of them
        types.put("picky", step("picky", ctx -> "bo".equals(ctx.inputs().get("name"))
                ? StepResult.permanentFailure("not bo", Map.of("refused", "bo")) : StepResult.success("hi " + ctx.inputs().get("name"))));
        deploy("id: picky\nsteps:\n  - {id: each, type: picky, foreach: \"${inputs.names}\", continueOnError: true,"
                + " with: {name: \"${item}\"}}\n");
        RunView picky = await(engine.start("picky", Map.of("names", List.of("al", "bo", "cy")), "api").runId(), r -> r.state().isFinished());
        assertEquals(Arrays.asList("hi al", null, "hi cy"), step(picky, "each", null).output());
        assertEquals(Map.of("refused", "bo"), step(picky, "each", 1).output());
    }

    @Test
    public void pauseLetsTheRunningStepFinishAndStartsNothingUntilResumed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        types.put("gate", step("gate", ctx -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return StepResult.success("through");
        }));
        deploy("id: pausable\nsteps:\n  - {id: a, type: gate}\n  - {id: b, type: log, needs: [a], with: {message: b}}\n");
        String runId = engine.start("pausable", Map.of(), "api").runId();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        assertEquals(RunState.PAUSED, engine.pause(runId).state());
        release.countDown();
        // b would have been started in the same commit as a's end: nothing to wait for
        RunView paused = await(runId, r -> step(r, "a", null).state() == StepState.SUCCEEDED);
        assertEquals(RunState.PAUSED, paused.state());
        assertTrue("b has not started: no row until a step first changes state",
                paused.steps().stream().noneMatch(s -> s.stepId().equals("b")));
        ProblemException twice = assertThrows(ProblemException.class, () -> engine.pause(runId));
        assertEquals(409, twice.problem().status());

        engine.resume(runId);
        assertEquals(RunState.SUCCEEDED, await(runId, r -> r.state().isFinished()).state());
        ProblemException finished = assertThrows(ProblemException.class, () -> engine.resume(runId));
        assertEquals(409, finished.problem().status());
    }

    @Test
    public void cancelStopsRunningStepsAndRunsNoOnFailure() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        types.put("forever", step("forever", ctx -> {
            entered.countDown();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return StepResult.success(null);
        }));
        deploy("id: cancellable\nsteps:\n  - {id: a, type: forever}\nonFailure:\n  - {id: alert, type: log, with: {message: x}}\n");
        String runId = engine.start("cancellable", Map.of(), "api").runId();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        assertEquals(RunState.CANCELLED, engine.cancel(runId).state());
        RunView cancelled = await(runId, r -> r.state() == RunState.CANCELLED);
        assertEquals(StepState.CANCELLED, step(cancelled, "a", null).state());
        assertTrue(cancelled.steps().stream().noneMatch(s -> s.stepId().equals("alert")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (interrupted.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the running step sees its interruption on its own thread
        }
        assertEquals(1, interrupted.get());
    }

    @Test
    public void retryRestartsAFailedRunFromTheStepsThatDidNotSucceed() {
        AtomicInteger firstRuns = new AtomicInteger();
        Map<String, Boolean> healthy = new HashMap<>(Map.of("now", false));
        types.put("counted", step("counted", ctx -> {
            firstRuns.incrementAndGet();
            return StepResult.success("counted");
        }));
        types.put("sometimes", step("sometimes", ctx -> healthy.get("now") ? StepResult.success("fine") : StepResult.permanentFailure("not yet")));
        deploy("id: retryable\nsteps:\n  - {id: a, type: counted}\n  - {id: b, type: sometimes, needs: [a]}\n"
                + "onFailure:\n  - {id: alert, type: log, with: {message: x}}\n");
        String runId = engine.start("retryable", Map.of(), "api").runId();
        assertEquals(RunState.FAILED, await(runId, r -> r.state().isFinished()).state());
        healthy.put("now", true);
        engine.retry(runId);
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
        assertNull(done.error());
        assertEquals("a succeeded before, so it did not run again", 1, firstRuns.get());
        assertTrue(done.steps().stream().noneMatch(s -> s.stepId().equals("alert")));
        assertEquals("a retried step starts again at attempt 1", 1, step(done, "b", null).attempt());
        assertEquals(409, assertThrows(ProblemException.class, () -> engine.retry(runId)).problem().status());
    }

    @Test
    public void aRetriedRunHasItsStepsRetriesAndItsTimeoutAgain() throws Exception {
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        types.put("third-time", step("third-time", ctx -> {
            attempts.add(ctx.attempt());
            return ctx.attempt() < 3 ? StepResult.retryableFailure("not yet") : StepResult.success("ok");
        }));
        types.put("never", step("never", ctx -> StepResult.retryableFailure("down")));
        deploy("id: patient\ntimeout: 1s\nsteps:\n  - {id: a, type: never, retry: {max: 2, initial: 10ms, jitter: false}}\n");
        RunView started = engine.start("patient", Map.of(), "api");
        String runId = started.runId();
        assertEquals(RunState.FAILED, await(runId, r -> r.state().isFinished()).state());
        untilPast(started.createdAt().plusMillis(1_100)); // past the run's timeout, counted from its start
        types.put("never", types.get("third-time"));
        engine.retry(runId);
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
        assertEquals("the retried step had its 2 retries again", List.of(1, 2, 3), attempts);
    }

    @Test
    public void aRetriedRunsTimeoutCountsFromTheRetryAlsoAfterARestart() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch retriedStepStarted = new java.util.concurrent.CountDownLatch(1);
        types.put("slow-when-healthy", step("slow-when-healthy", ctx -> {
            if (!healthy.get()) {
                return StepResult.permanentFailure("down");
            }
            retriedStepStarted.countDown();
            Thread.sleep(300);
            return StepResult.success("ok");
        }));
        deploy("id: bounded-retry\ntimeout: 1500ms\nsteps:\n  - {id: a, type: slow-when-healthy}\n");
        RunView started = engine.start("bounded-retry", Map.of(), "api");
        String runId = started.runId();
        assertEquals(RunState.FAILED, await(runId, r -> r.state().isFinished()).state());
        untilPast(started.createdAt().plusMillis(1_600)); // past the run's timeout, counted from its start
        healthy.set(true);
        engine.retry(runId);
        assertTrue(retriedStepStarted.await(5, TimeUnit.SECONDS));
        engine.close(); // the retried step was running
        engine = newEngine();
        engine.recover();
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
    }

    @Test
    public void aMissingStepTypeMakesTheStepWaitUntilABundleProvidesIt() throws InterruptedException {
        deploy("id: later\nsteps:\n  - {id: a, type: text-case, with: {text: hi}}\n");
        RunView started = engine.start("later", Map.of(), "api");
        assertEquals("no step could start: the run is PENDING", RunState.PENDING, started.state());
        String runId = started.runId();
        RunView waiting = await(runId, r -> step(r, "a", null).state() == StepState.WAITING_FOR_STEP_TYPE);
        assertEquals(RunState.PENDING, waiting.state());
        types.put("text-case", step("text-case", ctx -> StepResult.success(String.valueOf(ctx.inputs().get("text")).toUpperCase())));
        engine.stepTypeAdded("text-case");
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals("HI", step(done, "a", null).output());
        assertEquals(List.of("conflux/workflow/run/PENDING", "conflux/workflow/run/RUNNING", "conflux/workflow/run/SUCCEEDED"),
                runTopicsOnceEnded());
    }

    @Test
    public void aRunIsRunningFromTheStartWhenItsFirstStepCanStart() throws InterruptedException {
        deploy("id: quick\nsteps:\n  - {id: a, type: log, with: {message: hi}}\n");
        RunView started = engine.start("quick", Map.of(), "api");
        assertEquals(RunState.RUNNING, started.state());
        await(started.runId(), r -> r.state().isFinished());
        assertEquals(List.of("conflux/workflow/run/RUNNING", "conflux/workflow/run/SUCCEEDED"),
                runTopicsOnceEnded());
    }

    @Test
    public void aPendingRunCanBePausedAndIsPendingAgainWhenResumed() {
        deploy("id: later\nsteps:\n  - {id: a, type: text-case, with: {text: hi}}\n");
        String runId = engine.start("later", Map.of(), "api").runId();
        assertEquals(RunState.PAUSED, engine.pause(runId).state());
        assertEquals(RunState.PENDING, engine.resume(runId).state());
        assertEquals(RunState.CANCELLED, engine.cancel(runId).state());
    }

    @Test
    public void aRunWhoseStepsAreAllSkippedEndsWithoutRunningAndIsStoredOnce() throws InterruptedException {
        deploy("id: nothing\nsteps:\n  - {id: a, type: log, when: \"${false}\", with: {message: hi}}\n");
        RunView started = engine.start("nothing", Map.of(), "api");
        RunView done = await(started.runId(), r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals(StepState.SKIPPED, step(done, "a", null).state());
        assertEquals(List.of("conflux/workflow/run/PENDING", "conflux/workflow/run/SUCCEEDED"),
                runTopicsOnceEnded());
    }

    @Test
    public void afterACrashUnfinishedRunsContinueAndCompletedStepsDoNotRunAgain() throws Exception {
        AtomicInteger firstCalls = new AtomicInteger();
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch entered = new CountDownLatch(1);
        types.put("once", step("once", ctx -> {
            firstCalls.incrementAndGet();
            return StepResult.success("first");
        }));
        types.put("hang-first", step("hang-first", ctx -> {
            keys.add(ctx.idempotencyKey());
            attempts.add(ctx.attempt());
            if (ctx.attempt() == 1) {
                entered.countDown();
                Thread.sleep(60_000);
            }
            return StepResult.success("second");
        }));
        deploy("id: crashy\nsteps:\n  - {id: a, type: once}\n  - {id: b, type: hang-first, needs: [a]}\n");
        String runId = engine.start("crashy", Map.of(), "api").runId();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        engine.close(); // the process dies: nothing more is written

        engine = newEngine();
        assertEquals(1, engine.recover());
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(done.error(), RunState.SUCCEEDED, done.state());
        assertEquals(1, firstCalls.get());
        assertEquals(List.of(1, 2), attempts);
        assertEquals(List.of(runId + "/b", runId + "/b"), keys);
    }

    @Test
    public void finishedRunsOlderThanTheRetentionArePurgedWithTheirStepsAndLogs() throws Exception {
        deploy("id: short\nsteps:\n  - {id: a, type: log, with: {message: hi}}\n");
        String old = engine.start("short", Map.of(), "api").runId();
        await(old, r -> r.state().isFinished());
        assertEquals(1, engine.store().purge(java.time.Instant.now().plusSeconds(1)));
        assertTrue(engine.store().get(old).isEmpty());
        assertTrue(engine.store().logs(old, 0, 10).isEmpty());
        String recent = engine.start("short", Map.of(), "api").runId();
        await(recent, r -> r.state().isFinished());
        assertEquals(0, engine.store().purge(java.time.Instant.now().minusSeconds(60)));
        assertTrue(engine.store().get(recent).isPresent());
    }

    @Test
    public void startingWithAnExistingRunIdReturnsThatRunInsteadOfAnotherOne() throws Exception {
        deploy("id: short\nsteps:\n  - {id: a, type: log, with: {message: hi}}\n");
        RunView first = engine.start("short", Map.of(), "parent", "child-1");
        RunView again = engine.start("short", Map.of(), "parent", "child-1");
        assertEquals("child-1", first.runId());
        assertEquals(first.runId(), again.runId());
        await("child-1", r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, engine.start("short", Map.of(), "parent", "child-1").state());
        assertEquals("the step ran once", 1, engine.store().logs("child-1", 0, 10).size());
    }

    @Test
    public void aStepThatStartsAChildRunAndWaitsForItDoesNotHoldTheChildsSteps() {
        // the step after 'first' runs on the worker that ran 'first'; what it starts must still get a worker of its own
        deploy("id: short\nsteps:\n  - {id: a, type: log, with: {message: hi}}\n");
        types.put("wait-for-child", step("wait-for-child", ctx -> {
            String child = engine.start("short", Map.of(), "parent",
                    java.util.UUID.nameUUIDFromBytes(ctx.runId().getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString()).runId();
            return StepResult.success(Map.of("child", await(child, r -> r.state().isFinished()).state().name()));
        }));
        deploy("id: parent\nsteps:\n  - {id: first, type: log, with: {message: go}}\n"
                + "  - {id: second, type: wait-for-child, needs: [first]}\n");
        String runId = engine.start("parent", Map.of(), "api").runId();
        RunView done = await(runId, r -> r.state().isFinished());
        assertEquals(done.steps().toString(), RunState.SUCCEEDED, done.state());
        assertEquals(Map.of("child", "SUCCEEDED"), done.steps().stream().filter(s -> s.stepId().equals("second")).findFirst()
                .orElseThrow().output());
    }

    @Test
    public void inputsAreCheckedAgainstTheSchema() {
        deploy(DefinitionParserTest.ORDER_INTAKE);
        ProblemException missing = assertThrows(ProblemException.class, () -> engine.start("order-intake", Map.of(), "api"));
        assertEquals(400, missing.problem().status());
        assertTrue(missing.getMessage(), missing.getMessage().contains("required property 'orderId' not found"));
        ProblemException wrongType = assertThrows(ProblemException.class, () -> engine.start("order-intake", Map.of("orderId", 5), "api"));
        assertTrue(wrongType.getMessage(), wrongType.getMessage().contains("$.orderId: integer found, string expected"));
        deploy("id: nested\ninputs:\n  type: object\n  properties:\n    order:\n      type: object\n      required: [lines]\n"
                + "      properties: {lines: {type: array, minItems: 1}}\nsteps:\n  - {id: a, type: log, with: {message: x}}\n");
        ProblemException nested = assertThrows(ProblemException.class,
                () -> engine.start("nested", Map.of("order", Map.of("lines", List.of())), "api"));
        assertTrue(nested.getMessage(), nested.getMessage().contains("$.order.lines"));
        engine.start("nested", Map.of("order", Map.of("lines", List.of(1))), "api");
        assertEquals(404, assertThrows(ProblemException.class, () -> engine.start("nope", Map.of(), "api")).problem().status());
    }

    // ---- helpers ----

    @Test
    public void aStepWhoseInputDoesNotFitItsTypesSchemaIsRefusedWithoutAnAttempt() {
        AtomicInteger calls = new AtomicInteger();
        types.put("fetch", TestStepTypes.of("fetch", Map.of("type", "object", "required", List.of("url"),
                "properties", Map.of("url", Map.of("type", "string"), "tries", Map.of("type", "integer", "minimum", 1))), ctx -> {
                    calls.incrementAndGet();
                    return StepResult.success(ctx.inputs());
                }));
        deploy("id: typed\ninputs: {type: object}\nsteps:\n"
                + "  - {id: good, type: fetch, with: {url: \"${inputs.url}\", tries: 2}}\n"
                + "  - {id: bad, type: fetch, with: {tries: \"${inputs.tries}\"}, retry: {max: 3, initial: 10ms}}\n");
        RunView done = await(engine.start("typed", Map.of("url", "http://x", "tries", 0), "api").runId(), r -> r.state().isFinished());
        assertEquals(RunState.FAILED, done.state());
        assertEquals(StepState.SUCCEEDED, step(done, "good", null).state());
        StepView bad = step(done, "bad", null);
        assertEquals(StepState.FAILED, bad.state());
        assertEquals("refused before an attempt, and not retried", 0, bad.attempt());
        assertTrue(bad.error(), bad.error().startsWith("step 'bad': its input ('with') does not fit step type 'fetch': "));
        assertTrue("names the missing field: " + bad.error(), bad.error().contains("url"));
        assertTrue("names the field out of range: " + bad.error(), bad.error().contains("$.tries"));
        assertEquals("only the good step ran", 1, calls.get());
    }

    @Test
    public void aChildsEndResumesItsParentAtOnceAndCancellingTheParentCancelsTheChild() throws Exception {
        CountDownLatch childRunning = new CountDownLatch(1);
        CountDownLatch releaseChild = new CountDownLatch(1);
        types.put("gate", step("gate", ctx -> {
            childRunning.countDown();
            return releaseChild.await(10, TimeUnit.SECONDS) ? StepResult.success("opened") : StepResult.permanentFailure("shut");
        }));
        types.put("spawn", step("spawn", ctx -> {
            String child = engine.childRunId(ctx);
            if (ctx.resumeState().isEmpty()) {
                engine.startChild(ctx, "child", Map.of());
                return StepResult.resumeAfter(Duration.ofHours(1), Map.of("child", child)); // only the child's end wakes it
            }
            RunView ended = engine.store().get(child).orElseThrow();
            return ended.state().isFinished() ? StepResult.success(ended.state().name())
                    : StepResult.resumeAfter(Duration.ofHours(1), Map.of("child", child));
        }));
        deploy("id: child\nsteps:\n  - {id: g, type: gate}\n");
        deploy("id: parent\nsteps:\n  - {id: s, type: spawn}\n");
        String parent = engine.start("parent", Map.of(), "api").runId();
        assertTrue(childRunning.await(5, TimeUnit.SECONDS));
        await(parent, r -> step(r, "s", null).state() == StepState.WAITING);
        releaseChild.countDown();
        RunView done = await(parent, r -> r.state().isFinished());
        assertEquals(RunState.SUCCEEDED, done.state());
        assertEquals("SUCCEEDED", step(done, "s", null).output());

        CountDownLatch secondChild = new CountDownLatch(1);
        types.put("gate", step("gate", ctx -> {
            secondChild.countDown();
            Thread.sleep(30_000);
            return StepResult.success(null);
        }));
        String second = engine.start("parent", Map.of(), "api").runId();
        assertTrue(secondChild.await(5, TimeUnit.SECONDS));
        await(second, r -> step(r, "s", null).state() == StepState.WAITING);
        engine.cancel(second);
        assertEquals(RunState.CANCELLED, await(RunIds.child(second + "/s"), r -> r.state().isFinished()).state());
    }

    private static StepType step(String name, TestStepTypes.Body body) {
        return TestStepTypes.of(name, body);
    }

    /** Waits until the engine has no active run left: nothing more will run. */
    private static void awaitIdle(RunEngine engine) {
        awaitCondition("the engine is idle", engine::idle);
    }

    private static void awaitCondition(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not so after 15 s: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Waits until the clock has passed {@code instant}. */
    private static void untilPast(java.time.Instant instant) {
        awaitCondition("the clock passed " + instant, () -> java.time.Instant.now().isAfter(instant));
    }

    private RunView await(String runId, Predicate<RunView> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        RunView last = null;
        while (System.nanoTime() < deadline) {
            last = engine.store().get(runId).orElse(null);
            if (last != null && condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("run " + runId + " did not get there; last: " + last);
    }

    /**
     * The run events published so far, once the run's last one is among them: events follow the commit,
     * from another thread, so a run read back as finished may not have published its end yet.
     */
    private List<String> runTopicsOnceEnded() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && topics.stream()
                .noneMatch(t -> t.matches("conflux/workflow/run/(SUCCEEDED|FAILED|CANCELLED)"))) {
            Thread.sleep(5);
        }
        return topics.stream().filter(t -> t.startsWith("conflux/workflow/run/")).toList();
    }

    private static StepView step(RunView run, String stepId, Integer item) {
        return run.steps().stream().filter(s -> s.stepId().equals(stepId) && java.util.Objects.equals(s.item(), item)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + stepId + "#" + item + " in " + run));
    }
}
