package dev.conflux.workflow.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepLogger;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepState;
import dev.conflux.workflow.internal.definition.Expressions;
import dev.conflux.workflow.internal.definition.StepDefinition;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;
import dev.conflux.workflow.internal.schema.JsonSchemas;

/**
 * Runs workflows. Every state change is committed through the {@link Journal} before the engine
 * acts on it, so after a crash every unfinished run continues from the database: steps that
 * succeeded do not run again, steps that were running run again with the next attempt number.
 *
 * <p>Each run is guarded by its own lock; step attempts run on a bounded pool of workers, up to
 * {@code maxConcurrentSteps} at once across all runs.
 */
public final class RunEngine implements AutoCloseable {

    /** Where the engine gets workflow definitions. */
    public interface Definitions {
        /** The current version of a deployed workflow. */
        Optional<Loaded> current(String workflowId);

        /** A given version, deployed or not (runs keep their version). */
        Optional<WorkflowDefinition> version(String workflowId, int version);
    }

    public record Loaded(WorkflowDefinition definition, int version) {
    }

    /** Where transitions are announced (EventAdmin in the container). */
    @FunctionalInterface
    public interface Events {
        void publish(String topic, Map<String, Object> properties);
    }

    /**
     * @param maxConcurrentSteps step attempts running at once across all runs
     * @param maxConcurrentStepsPerWorkflow step attempts running at once for one workflow; 0 for no limit of its own
     * @param stepTypeWaitLimit how long a step waits for a missing step type before it fails
     */
    public record Settings(int maxConcurrentSteps, int maxConcurrentStepsPerWorkflow, Duration stepTypeWaitLimit) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final Journal journal;
    private final RunStore store;
    private final Definitions definitions;
    private final Function<String, Optional<StepType>> stepTypes;
    private final Events events;
    private volatile Settings settings;
    /** How long finished runs are kept; zero or less keeps them. */
    private volatile Duration keep = Duration.ZERO;
    private boolean purging;
    private final Map<String, ActiveRun> active = new ConcurrentHashMap<>();
    /** Runs with a step that found no free slot, in the order they asked; each run at most once. */
    private final ConcurrentLinkedQueue<String> waitingForSlot = new ConcurrentLinkedQueue<>();
    private final java.util.Set<String> queuedForSlot = ConcurrentHashMap.newKeySet();
    private final AtomicInteger runningAttempts = new AtomicInteger();
    private final Map<String, AtomicInteger> runningByWorkflow = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    /** On a worker thread: the attempt it runs next (see {@link #launch}). */
    private final ThreadLocal<Continuation> continuation = new ThreadLocal<>();
    private final ExecutorService dispatch;
    private final ScheduledExecutorService timers;
    private volatile boolean stopping;

    public RunEngine(javax.sql.DataSource dataSource, Definitions definitions, Function<String, Optional<StepType>> stepTypes,
            Events events, Settings settings) {
        this.journal = new Journal(dataSource);
        this.store = new RunStore(dataSource);
        this.definitions = definitions;
        this.stepTypes = stepTypes;
        this.events = events;
        this.settings = settings;
        this.workers = Executors.newFixedThreadPool(Math.max(1, settings.maxConcurrentSteps()), threads("conflux-workflow-step"));
        this.dispatch = Executors.newFixedThreadPool(2, threads("conflux-workflow-dispatch"));
        this.timers = Executors.newSingleThreadScheduledExecutor(threads("conflux-workflow-timer"));
    }

    RunStore store() {
        return store;
    }

    // ---- lifecycle ----

    /** Picks up every run that had not finished when the engine last stopped (or crashed). */
    public int recover() {
        List<RunStore.StoredRun> unfinished;
        try {
            unfinished = store.unfinished();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read unfinished runs: " + e.getMessage(), e);
        }
        int recovered = 0;
        for (RunStore.StoredRun stored : unfinished) {
            RunView view = stored.run();
            Optional<WorkflowDefinition> definition = definitions.version(view.workflowId(), view.version());
            if (definition.isEmpty()) {
                LOG.error("Run {} uses workflow '{}' version {}, which is missing; it cannot continue", view.runId(),
                        view.workflowId(), view.version());
                continue;
            }
            ActiveRun run = new ActiveRun(view.runId(), definition.get(), view.version(), view.inputs(), view.trigger(),
                    view.createdAt(), view.state());
            run.stored = true;
            run.failurePhase = stored.failurePhase();
            run.error = view.error();
            run.timeoutFrom = stored.retriedAt() != null ? stored.retriedAt() : view.createdAt();
            restoreSteps(run, stored.steps(), false);
            active.put(run.runId, run);
            scheduleRunTimeout(run);
            recovered++;
            dispatch.execute(() -> advance(run));
        }
        if (recovered > 0) {
            LOG.info("Continuing {} unfinished run(s)", recovered);
        }
        return recovered;
    }

    /** Purges finished runs older than {@code keep}, now and then every hour; called again, it changes how long. */
    public synchronized void purgeEvery(Duration keep) {
        this.keep = keep;
        if (purging) {
            return;
        }
        purging = true;
        timers.scheduleWithFixedDelay(() -> {
            Duration kept = this.keep;
            if (kept.isZero() || kept.isNegative()) {
                return;
            }
            try {
                int purged = store.purge(Instant.now().minus(kept));
                if (purged > 0) {
                    LOG.info("Purged {} finished run(s) older than {} days", purged, kept.toDays());
                }
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.warn("Purging old runs failed; trying again in an hour", e);
            }
        }, 1, 3600, TimeUnit.SECONDS);
    }

    /**
     * Applies new limits to the running engine: nothing restarts and no attempt is stopped. Attempts
     * over a lowered limit finish; raised limits start waiting steps at once.
     */
    public void apply(Settings changed) {
        Settings before = settings;
        settings = changed;
        if (workers instanceof java.util.concurrent.ThreadPoolExecutor pool && changed.maxConcurrentSteps() != before.maxConcurrentSteps()) {
            int size = Math.max(1, changed.maxConcurrentSteps());
            if (size > pool.getMaximumPoolSize()) {
                pool.setMaximumPoolSize(size);
                pool.setCorePoolSize(size);
            } else {
                pool.setCorePoolSize(size);
                pool.setMaximumPoolSize(size);
            }
        }
        wakeWaitingForSlot(); // a raised limit has room for them now; a lowered one queues them again
    }

    @Override
    public void close() {
        stopping = true;
        timers.shutdownNow();
        workers.shutdownNow();
        dispatch.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
            dispatch.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journal.close();
        active.clear();
    }

    /** A bundle brought a step type: runs waiting for it continue. */
    public void stepTypeAdded(String name) {
        for (ActiveRun run : active.values()) {
            boolean waiting;
            synchronized (run) {
                waiting = run.steps.values().stream().anyMatch(s -> s.state == StepState.WAITING_FOR_STEP_TYPE
                        && s.definition.type().equals(name));
            }
            if (waiting) {
                dispatch.execute(() -> advance(run));
            }
        }
    }

    // ---- operations ----

    public RunView start(String workflowId, Map<String, Object> inputs, String trigger) {
        return start(workflowId, inputs, trigger, null);
    }

    /**
     * Starts a run with a given id, or returns that run when it exists already: a step that starts
     * child runs calls this again after a crash and must not start a second child. The id is not
     * looked up first: the run's insert fails on the primary key when the id is taken, and then the
     * stored run is returned (one read for the rare repeat instead of one for every start).
     */
    public RunView start(String workflowId, Map<String, Object> inputs, String trigger, String runId) {
        if (runId != null) {
            ActiveRun existing = active.get(runId);
            if (existing != null) {
                return view(existing);
            }
        }
        Loaded loaded = definitions.current(workflowId)
                .orElseThrow(() -> ProblemException.notFound("no workflow '" + workflowId + "' is deployed"));
        JsonSchemas.checkRunInput(loaded.definition().inputSchema(), inputs);
        ActiveRun run = new ActiveRun(runId != null ? runId : RunIds.next(), loaded.definition(), loaded.version(),
                inputs == null ? Map.of() : inputs, trigger == null ? "api" : trigger, Instant.now(), RunState.PENDING);
        Decided decided;
        synchronized (run) {
            for (StepDefinition step : run.definition.steps()) {
                StepRecord record = new StepRecord(step, null, null);
                run.steps.put(record.key, record); // stored when it first changes state
            }
            ActiveRun existing = active.putIfAbsent(run.runId, run);
            if (existing != null) {
                return view(existing); // started meanwhile with the same id
            }
            // the first steps are decided now and committed with the run itself: one commit, not two. The run is
            // inserted as it is then: RUNNING when a step started, PENDING when none could (no free slot, a step type
            // missing), so the usual start costs no extra write for PENDING
            advanceLocked(run);
            RunState first = run.state == RunState.RUNNING ? RunState.RUNNING : RunState.PENDING;
            run.writes.add(0, store.insertRun(run));
            run.afterCommit.add(0, () -> publishRun(run, first, null));
            run.stored = true;
            decided = take(run);
        }
        // not reported as a change lost from a stored run: nothing of this run was stored, and the caller is told
        Throwable failed = settle(run, decided, false);
        if (failed != null) {
            if (runId != null) {
                // the id was stored before: by an earlier call (a child step running again after a crash) or by another
                // node sharing the database (a cron fire time): that run it is
                try {
                    Optional<RunView> winner = store.get(runId);
                    if (winner.isPresent()) {
                        return winner.get();
                    }
                } catch (java.sql.SQLException unreadable) {
                    failed.addSuppressed(unreadable);
                }
            }
            LOG.error("Run {} of '{}' could not be stored", run.runId, workflowId, failed);
            throw new IllegalStateException("the run could not be stored: " + failed.getMessage(), failed);
        }
        scheduleRunTimeout(run);
        return view(run);
    }

    public RunView pause(String runId) {
        ActiveRun run = activeOrConflict(runId, "paused");
        synchronized (run) {
            if (run.state != RunState.RUNNING && run.state != RunState.PENDING) {
                throw ProblemException.conflict("run " + runId + " is " + run.state + "; only a PENDING or RUNNING run can be paused");
            }
            RunState before = run.state;
            run.state = RunState.PAUSED;
            commit(List.of(store.updateRun(run))).join();
            publishRun(run, before);
        }
        return view(run);
    }

    public RunView resume(String runId) {
        ActiveRun run = activeOrConflict(runId, "resumed");
        synchronized (run) {
            if (run.state != RunState.PAUSED) {
                throw ProblemException.conflict("run " + runId + " is " + run.state + "; only a PAUSED run can be resumed");
            }
            // back to where it was: RUNNING once any step has started, PENDING before
            run.state = run.steps.values().stream().anyMatch(s -> s.startedAt != null) ? RunState.RUNNING : RunState.PENDING;
            commit(List.of(store.updateRun(run))).join();
            publishRun(run, RunState.PAUSED);
        }
        dispatch.execute(() -> advance(run));
        return view(run);
    }

    /**
     * Makes a WAITING step due now (what it waited for happened, e.g. its child run ended); nothing
     * when the run or the step is elsewhere.
     */
    public void resumeNow(String runId, String stepKey) {
        ActiveRun run = active.get(runId);
        if (run == null) {
            return;
        }
        synchronized (run) {
            StepRecord step = run.steps.get(stepKey);
            if (step == null || step.state != StepState.WAITING) {
                return;
            }
            step.dueAt = Instant.now();
        }
        dispatch.execute(() -> advance(run));
    }

    public RunView cancel(String runId) {
        ActiveRun run = activeOrConflict(runId, "cancelled");
        synchronized (run) {
            if (run.state.isFinished()) {
                throw ProblemException.conflict("run " + runId + " has already finished (" + run.state + ")");
            }
            RunState before = run.state;
            List<Journal.Write> writes = new ArrayList<>();
            for (StepRecord step : run.steps.values()) {
                if (!step.state.isFinished()) {
                    step.state = StepState.CANCELLED;
                    step.endedAt = Instant.now();
                    step.error = "the run was cancelled";
                    writes.add(store.saveStep(run.runId, step));
                }
            }
            stopAttempts(run, "the run was cancelled");
            run.state = RunState.CANCELLED;
            run.endedAt = Instant.now();
            writes.add(store.updateRun(run));
            commit(writes).join();
            finish(run, before);
        }
        return view(run);
    }

    public RunView retry(String runId) {
        ActiveRun current = active.get(runId);
        if (current != null) {
            synchronized (current) {
                if (!current.state.isFinished()) {
                    throw ProblemException.conflict("run " + runId + " has not finished; only a FAILED or CANCELLED run can be retried");
                }
            }
            // it has just finished and is still being put away: the database decides below
            active.remove(runId, current);
        }
        RunStore.StoredRun stored;
        try {
            stored = store.stored(runId).orElseThrow(() -> ProblemException.notFound("no run " + runId));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read run " + runId + ": " + e.getMessage(), e);
        }
        RunView view = stored.run();
        if (view.state() != RunState.FAILED && view.state() != RunState.CANCELLED) {
            throw ProblemException.conflict("run " + runId + " is " + view.state() + "; only a FAILED or CANCELLED run can be retried");
        }
        WorkflowDefinition definition = definitions.version(view.workflowId(), view.version())
                .orElseThrow(() -> ProblemException.conflict("the workflow version of run " + runId + " is gone"));
        RunState before = view.state();
        ActiveRun run = new ActiveRun(view.runId(), definition, view.version(), view.inputs(), view.trigger(), view.createdAt(),
                RunState.RUNNING);
        if (active.putIfAbsent(runId, run) != null) {
            throw ProblemException.conflict("run " + runId + " is being retried already");
        }
        run.stored = true;
        run.timeoutFrom = Instant.now(); // a retried run has its whole timeout again
        List<Journal.Write> writes = new ArrayList<>();
        writes.add(store.retried(run.runId, run.timeoutFrom));
        synchronized (run) {
            List<String> dropped = restoreSteps(run, stored.steps(), true);
            if (!dropped.isEmpty()) {
                writes.add(store.deleteSteps(run.runId, dropped));
            }
            for (StepRecord step : run.steps.values()) {
                writes.add(store.saveStep(run.runId, step));
            }
            writes.add(store.updateRun(run));
        }
        try {
            commit(writes).join();
        } catch (java.util.concurrent.CompletionException e) {
            active.remove(runId, run);
            throw new IllegalStateException("the retry could not be stored: " + e.getCause().getMessage(), e.getCause());
        }
        publishRun(run, before);
        scheduleRunTimeout(run);
        dispatch.execute(() -> advance(run));
        return view(run);
    }

    private ActiveRun activeOrConflict(String runId, String what) {
        ActiveRun run = active.get(runId);
        if (run != null) {
            return run;
        }
        try {
            RunView stored = store.get(runId).orElseThrow(() -> ProblemException.notFound("no run " + runId));
            throw ProblemException.conflict("run " + runId + " has finished (" + stored.state() + "); it cannot be " + what);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read run " + runId + ": " + e.getMessage(), e);
        }
    }

    // ---- scheduling ----

    /** Starts whatever can start now and finishes the run when everything is done. */
    void advance(ActiveRun run) {
        if (stopping) {
            return;
        }
        synchronized (run) {
            advanceLocked(run);
            flush(run);
        }
    }

    /** Whether the run starts steps: PENDING (none has started yet) or RUNNING. */
    private static boolean advancing(ActiveRun run) {
        return run.state == RunState.RUNNING || run.state == RunState.PENDING;
    }

    /** A step of a PENDING run starts: the run is RUNNING from now on. */
    private void markRunning(ActiveRun run) {
        if (run.state != RunState.PENDING) {
            return;
        }
        run.state = RunState.RUNNING;
        if (run.stored) { // else its insert, still to come, stores it RUNNING
            run.writes.add(store.updateRun(run));
            run.afterCommit.add(() -> publishRun(run, RunState.RUNNING, RunState.PENDING));
        }
    }

    /** Decides, in memory, every change that can happen now; {@link #flush} commits them. */
    private void advanceLocked(ActiveRun run) {
        if (run.state == RunState.PAUSED) {
            // a pause starts nothing new, but attempts in flight finish: parked ones resume when due
            for (StepRecord step : new ArrayList<>(run.steps.values())) {
                if (step.state == StepState.WAITING) {
                    tryStart(run, step, null);
                }
            }
            return;
        }
        boolean again = true;
        while (again && advancing(run)) {
            again = false;
            List<StepDefinition> phase = run.failurePhase ? run.definition.onFailure() : run.definition.steps();
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
                        progressed |= tryStart(run, step, phase);
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

    /** Changes decided under a run's lock, on their way to the journal, and what to do once they are stored. */
    private record Decided(CompletableFuture<Void> committed, List<Runnable> actions, List<Runnable> undo) {
    }

    /**
     * Takes the run's decided changes and hands them to the journal as one write. Called with the
     * run's lock held; {@link #settle} or {@link #flush} acts on them once they are committed.
     *
     * @return null when nothing was decided
     */
    private Decided take(ActiveRun run) {
        if (run.writes.isEmpty() && run.afterCommit.isEmpty()) {
            return null;
        }
        List<Journal.Write> writes = new ArrayList<>(run.writes);
        List<Runnable> actions = new ArrayList<>(run.afterCommit);
        List<Runnable> undo = new ArrayList<>(run.onCommitFailure);
        run.writes.clear();
        run.afterCommit.clear();
        run.onCommitFailure.clear();
        return new Decided(writes.isEmpty() ? CompletableFuture.completedFuture(null) : commit(writes), actions, undo);
    }

    /**
     * Commits the run's decided changes and then, on a dispatch thread, runs what they allow (start
     * attempts, publish events). Called with the run's lock held; the actions run later, without it.
     */
    private CompletableFuture<Void> flush(ActiveRun run) {
        Decided decided = take(run);
        if (decided == null) {
            return CompletableFuture.completedFuture(null);
        }
        return decided.committed().whenCompleteAsync((ok, error) -> settled(run, decided, error, true), dispatch);
    }

    /**
     * Waits on this thread until decided changes are committed and runs their actions here. A
     * worker that finished a step continues this way, and the step it started runs next on the same
     * thread ({@link #launch}): two thread hops less per step than through {@link #flush}. Called
     * without the run's lock.
     *
     * @return the reason the changes could not be stored, or null
     */
    private Throwable settle(ActiveRun run, Decided decided, boolean reportFailure) {
        if (decided == null) {
            return null;
        }
        Throwable error = null;
        try {
            decided.committed().join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            error = e.getCause() != null ? e.getCause() : e;
        }
        settled(run, decided, error, reportFailure);
        return error;
    }

    private void settled(ActiveRun run, Decided decided, Throwable error, boolean reportFailure) {
        if (error != null) {
            // memory is now ahead of the database: stop working on the run; recovery resumes it from what was stored
            if (reportFailure) {
                LOG.error("Run {}: a state change could not be stored; the run continues after the engine restarts", run.runId,
                        error);
            }
            active.remove(run.runId, run);
            decided.undo().forEach(Runnable::run);
            return;
        }
        for (Runnable action : decided.actions()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.error("Run {}: acting on a stored change failed", run.runId, e);
            }
        }
    }

    /**
     * A worker's next attempt. Armed only while the worker acts on the stored outcome of a step it
     * ran, never while a step type runs: a step that starts a child run and waits for it must not
     * hold the child's first step on its own thread.
     */
    private static final class Continuation {
        boolean armed;
        Runnable next;
    }

    /**
     * Runs a step attempt on a worker. On a worker that is acting on a stored outcome (a step it ran
     * ended, and the next one may start), the first attempt it launches runs on that same worker
     * right after, instead of waking another thread.
     */
    private void launch(Runnable attempt) {
        if (stopping) {
            return; // stored RUNNING: it runs again when the engine starts next
        }
        Continuation here = continuation.get();
        if (here != null && here.armed && here.next == null) {
            here.next = attempt;
        } else {
            workers.execute(() -> runOnWorker(attempt));
        }
    }

    private void runOnWorker(Runnable attempt) {
        Continuation here = new Continuation();
        continuation.set(here);
        try {
            for (Runnable task = attempt; task != null; task = here.next) {
                here.next = null;
                task.run();
            }
        } finally {
            continuation.remove();
        }
    }

    private boolean tryStart(ActiveRun run, StepRecord step, List<StepDefinition> phase) {
        StepDefinition definition = step.definition;
        if (step.state == StepState.WAITING && step.attemptDeadline != null && !Instant.now().isBefore(step.attemptDeadline)) {
            // a step's timeout bounds its whole attempt, the time it spent parked included
            return failAttempt(run, step, new StepResult.Failure("timed out after " + step.definition.timeout().toMillis()
                    + " ms", true), null);
        }
        if (step.state == StepState.RETRY_WAIT || step.state == StepState.WAITING) {
            return retryIfDue(run, step);
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
                    return conclude(run, step, StepState.SKIPPED, null, "not run: step '" + need + "' it needs is " + needed.state);
                }
            }
            Map<String, Object> variables = variables(run, null);
            if (definition.when() != null) {
                try {
                    if (!truthy(Expressions.evaluate(definition.when(), variables))) {
                        return conclude(run, step, StepState.SKIPPED, null, "not run: 'when' was false");
                    }
                } catch (IllegalArgumentException e) {
                    return conclude(run, step, StepState.FAILED, null, "'when': " + e.getMessage());
                }
            }
            if (definition.foreach() != null) {
                return expand(run, step, variables);
            }
        }
        return startAttempt(run, step);
    }

    /** Starts a RETRY_WAIT or WAITING step that is due; otherwise makes sure a timer wakes the run when it is. */
    private boolean retryIfDue(ActiveRun run, StepRecord step) {
        Instant now = Instant.now();
        if (step.dueAt == null || !step.dueAt.isAfter(now)) {
            return startAttempt(run, step);
        }
        wakeAt(run, step, Duration.between(now, step.dueAt));
        return false;
    }

    /**
     * Makes sure a timer wakes the run for this step by then. One pending timer per step, unless an
     * earlier wake is needed (a step resumed early may park again sooner); after a restart the
     * timers of the previous engine are gone.
     */
    private void wakeAt(ActiveRun run, StepRecord step, Duration delay) {
        Instant when = Instant.now().plus(delay);
        if (step.wakeScheduled && step.wakeTime != null && !step.wakeTime.isAfter(when)) {
            return;
        }
        step.wakeScheduled = true;
        step.wakeTime = when;
        timers.schedule(() -> dispatch.execute(() -> {
            synchronized (run) {
                if (when.equals(step.wakeTime)) {
                    step.wakeScheduled = false;
                    step.wakeTime = null;
                }
            }
            advance(run);
        }), Math.max(1, delay.toMillis() + 1), TimeUnit.MILLISECONDS);
    }

    private boolean expand(ActiveRun run, StepRecord step, Map<String, Object> variables) {
        Object list;
        try {
            list = Expressions.evaluate(step.definition.foreach(), variables);
        } catch (IllegalArgumentException e) {
            return conclude(run, step, StepState.FAILED, null, "'foreach': " + e.getMessage());
        }
        if (!(list instanceof List<?> items)) {
            return conclude(run, step, StepState.FAILED, null, "'foreach' must give a list, got "
                    + (list == null ? "nothing" : list.getClass().getSimpleName()));
        }
        if (items.isEmpty()) {
            return conclude(run, step, StepState.SUCCEEDED, List.of(), null);
        }
        step.itemKeys = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            StepRecord item = new StepRecord(step.definition, i, items.get(i));
            run.steps.put(item.key, item);
            step.itemKeys.add(item.key);
        }
        step.state = StepState.RUNNING;
        step.startedAt = Instant.now();
        markRunning(run);
        run.writes.add(store.saveStep(run.runId, step));
        run.afterCommit.add(() -> publishStep(run, step));
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
                    ? conclude(run, parent, StepState.SUCCEEDED, outputs, null)
                    : conclude(run, parent, StepState.FAILED, outputs, failure);
        }
        boolean progressed = false;
        for (String key : parent.itemKeys) {
            StepRecord item = run.steps.get(key);
            if (item.state == StepState.RETRY_WAIT || item.state == StepState.WAITING) {
                progressed |= retryIfDue(run, item); // already counted as busy
            } else if ((item.state == StepState.PENDING || item.state == StepState.WAITING_FOR_STEP_TYPE)
                    && busy < parent.definition.concurrency() && startAttempt(run, item)) {
                busy++;
                progressed = true;
            }
        }
        return progressed;
    }

    /** Starts the next attempt of a step, once its RUNNING state is committed. */
    private boolean startAttempt(ActiveRun run, StepRecord step) {
        Optional<StepType> type = stepTypes.apply(step.definition.type());
        if (type.isEmpty()) {
            return waitForStepType(run, step);
        }
        if (!acquireSlot(run.definition.id())) {
            if (queuedForSlot.add(run.runId)) {
                waitingForSlot.add(run.runId);
            }
            if (slotFree(run.definition.id())) {
                dispatch.execute(() -> advance(run)); // a slot came free between the try and the queueing
            }
            return false;
        }
        Map<String, Object> inputs;
        try {
            Object evaluated = Expressions.evaluateTree(step.definition.with(), variables(run, step));
            inputs = evaluated instanceof Map<?, ?> map ? castMap(map) : Map.of("value", evaluated);
        } catch (IllegalArgumentException e) {
            releaseSlot(run.definition.id());
            return conclude(run, step, StepState.FAILED, null, "input: " + e.getMessage());
        }
        // a suspended step resumes within its attempt, with what it asked to get back
        boolean resuming = step.state == StepState.WAITING;
        Map<String, Object> resumeState = resuming && step.resumeState != null ? step.resumeState : Map.of();
        if (!resuming) {
            step.attempt++;
            step.attemptDeadline = step.definition.timeout() == null ? null : Instant.now().plus(step.definition.timeout());
        }
        step.resumeState = null;
        step.output = null;
        step.outputJson = null;
        step.state = StepState.RUNNING;
        step.waitingSince = null;
        step.dueAt = null;
        step.error = null;
        if (step.startedAt == null) {
            step.startedAt = Instant.now();
        }
        int attempt = step.attempt;
        StepType stepType = type.get();
        CancellationSignal signal = new CancellationSignal();
        markRunning(run);
        run.writes.add(store.saveStep(run.runId, step));
        String workflowId = run.definition.id();
        run.onCommitFailure.add(() -> releaseSlot(workflowId));
        run.afterCommit.add(() -> {
            synchronized (run) {
                if (step.state != StepState.RUNNING || step.attempt != attempt || run.state == RunState.CANCELLED) {
                    releaseSlot(run.definition.id());
                    return;
                }
                ActiveRun.Worker worker = new ActiveRun.Worker();
                launch(() -> execute(run, step, attempt, stepType, inputs, resumeState, signal, worker));
                Instant deadline = step.attemptDeadline;
                var timeout = deadline == null ? null : timers.schedule(() -> {
                    signal.cancel("timed out after " + step.definition.timeout().toMillis() + " ms");
                    worker.interrupt();
                }, Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
                run.running.put(step.key, new ActiveRun.Attempt(attempt, worker, signal, timeout));
            }
            publishStep(run, step);
        });
        return true;
    }

    private void execute(ActiveRun run, StepRecord step, int attempt, StepType type, Map<String, Object> inputs,
            Map<String, Object> resumeState, CancellationSignal signal, ActiveRun.Worker worker) {
        StepResult result;
        String outputJson = null;
        try {
            if (!worker.enter() || signal.isCancelled()) {
                result = StepResult.retryableFailure(signal.reason() != null ? signal.reason() : "stopped before it started");
            } else {
                result = type.execute(context(run, step, attempt, inputs, resumeState, signal));
                if (result == null) {
                    result = StepResult.retryableFailure("step type '" + type.name() + "' returned no result");
                } else if (result instanceof StepResult.Success success && success.output() != null) {
                    // serialised once, here: an output that cannot be stored fails the step, not the run's bookkeeping
                    outputJson = RunStore.json(success.output());
                } else if (result instanceof StepResult.Suspended suspended) {
                    outputJson = RunStore.json(suspended.state());
                } else if (result instanceof StepResult.Failure failure && failure.output() != null) {
                    try {
                        outputJson = RunStore.json(failure.output());
                    } catch (IllegalArgumentException notStorable) {
                        // the failure stands, with its retries; only its output is dropped
                        result = new StepResult.Failure(failure.message() + " (its output cannot be stored as JSON: "
                                + notStorable.getMessage() + ")", failure.retryable());
                    }
                }
            }
        } catch (IllegalArgumentException notStorable) {
            result = StepResult.permanentFailure("the step's output cannot be stored as JSON: " + notStorable.getMessage());
        } catch (InterruptedException e) {
            result = StepResult.retryableFailure(signal.reason() != null ? signal.reason() : "interrupted");
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Step type '{}' threw in run {} step {}", type.name(), run.runId, step.key, e);
            result = StepResult.retryableFailure("step type '" + type.name() + "' threw " + e);
        } finally {
            worker.leave();
            releaseSlot(run.definition.id());
        }
        if (signal.isCancelled() && !(result instanceof StepResult.Failure)) {
            result = StepResult.retryableFailure(signal.reason());
            outputJson = null; // the output or state of the result it replaces
        }
        if (!stopping) {
            finishAttempt(run, step, attempt, result, outputJson); // on this worker: one thread hop less per step
        }
    }

    private void finishAttempt(ActiveRun run, StepRecord step, int attempt, StepResult result, String outputJson) {
        Decided decided;
        synchronized (run) {
            decideOutcome(run, step, attempt, result, outputJson);
            decided = take(run);
        }
        // on this worker: the next step starts here, once this outcome is stored
        Continuation here = continuation.get();
        if (here != null) {
            here.armed = true;
        }
        try {
            settle(run, decided, true);
        } finally {
            if (here != null) {
                here.armed = false;
            }
        }
    }

    /** Decides, under the run's lock, what an attempt's result changes; the caller takes the changes. */
    private void decideOutcome(ActiveRun run, StepRecord step, int attempt, StepResult result, String outputJson) {
        ActiveRun.Attempt running = run.running.get(step.key);
        if (running != null && running.number() == attempt) {
            run.running.remove(step.key);
            if (running.timeout() != null) {
                running.timeout().cancel(false);
            }
        }
        if (step.state != StepState.RUNNING || step.attempt != attempt || run.state.isFinished()) {
            return;
        }
        if (result instanceof StepResult.Success success) {
            conclude(run, step, StepState.SUCCEEDED, success.output(), outputJson, null);
            advanceLocked(run);
            return;
        }
        if (result instanceof StepResult.Suspended suspended) {
            // parked: no worker, no slot; the step's type is called again when it is due (also after a restart)
            step.state = StepState.WAITING;
            step.dueAt = suspended.resumeAt();
            step.resumeState = suspended.state();
            step.output = suspended.state();
            step.outputJson = outputJson;
            run.writes.add(store.saveStep(run.runId, step));
            run.afterCommit.add(() -> publishStep(run, step));
            Instant wake = step.attemptDeadline != null && step.attemptDeadline.isBefore(step.dueAt)
                    ? step.attemptDeadline : step.dueAt;
            wakeAt(run, step, Duration.between(Instant.now(), wake));
            return;
        }
        if (failAttempt(run, step, (StepResult.Failure) result, outputJson) && step.state == StepState.FAILED) {
            advanceLocked(run);
        }
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
            step.dueAt = Instant.now().plus(delay);
            step.resumeState = null;
            step.output = null;
            step.outputJson = null;
            run.writes.add(store.saveStep(run.runId, step));
            run.afterCommit.add(() -> publishStep(run, step));
            wakeAt(run, step, delay);
            return true;
        }
        String message = failure.message() + (failure.retryable() && step.definition.retry().max() > 0
                ? " (after " + step.attempt + " attempts)" : "");
        return conclude(run, step, StepState.FAILED, failure.output(), outputJson, message);
    }

    /** Records a step's final state; the run advances once it is committed. */
    private boolean conclude(ActiveRun run, StepRecord step, StepState state, Object output, String error) {
        return conclude(run, step, state, output, null, error);
    }

    /** As {@link #conclude(ActiveRun, StepRecord, StepState, Object, String)}, with the output already serialised. */
    private boolean conclude(ActiveRun run, StepRecord step, StepState state, Object output, String outputJson, String error) {
        step.state = state;
        step.output = output;
        step.outputJson = outputJson;
        step.error = error;
        step.endedAt = Instant.now();
        step.dueAt = null;
        run.writes.add(store.saveStep(run.runId, step));
        run.afterCommit.add(() -> publishStep(run, step));
        return true;
    }

    private boolean waitForStepType(ActiveRun run, StepRecord step) {
        Instant now = Instant.now();
        if (step.state != StepState.WAITING_FOR_STEP_TYPE) {
            step.state = StepState.WAITING_FOR_STEP_TYPE;
            step.waitingSince = now;
            LOG.warn("Run {} step {} waits: no bundle provides step type '{}'", run.runId, step.key, step.definition.type());
            run.writes.add(store.saveStep(run.runId, step));
            run.afterCommit.add(() -> publishStep(run, step));
            wakeAt(run, step, settings.stepTypeWaitLimit());
            return false;
        }
        if (step.waitingSince == null) {
            step.waitingSince = now; // recovered after a restart: the wait starts again
            wakeAt(run, step, settings.stepTypeWaitLimit());
        }
        if (!step.waitingSince.plus(settings.stepTypeWaitLimit()).isAfter(now)) {
            return conclude(run, step, StepState.FAILED, null, "no installed bundle provides step type '" + step.definition.type()
                    + "' (waited " + settings.stepTypeWaitLimit().toSeconds() + " s)");
        }
        return false;
    }

    /** Ends the current phase: starts the onFailure phase (returns true) or finishes the run. */
    private boolean completePhase(ActiveRun run) {
        List<StepDefinition> phase = run.failurePhase ? run.definition.onFailure() : run.definition.steps();
        String failure = run.error;
        if (failure == null && !run.failurePhase) {
            for (StepDefinition definition : phase) {
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
            saveRun(run);
            return true;
        }
        run.state = failure == null && !run.failurePhase ? RunState.SUCCEEDED : RunState.FAILED;
        if (run.failurePhase && run.error == null) {
            run.error = "an onFailure step ran";
        } else if (failure != null) {
            run.error = failure;
        }
        run.endedAt = Instant.now();
        saveRun(run);
        run.afterCommit.add(() -> {
            synchronized (run) {
                finish(run, before);
            }
        });
        return false;
    }

    /** Writes the run's row as it is now; a run not inserted yet gets it with its insert. */
    private void saveRun(ActiveRun run) {
        if (run.stored) {
            run.writes.add(store.updateRun(run));
        }
    }

    private void finish(ActiveRun run, RunState before) {
        if (run.runTimeout != null) {
            run.runTimeout.cancel(false);
        }
        active.remove(run.runId, run);
        publishRun(run, before);
        LOG.debug("Run {} of '{}' {}", run.runId, run.definition.id(), run.state);
    }

    private void scheduleRunTimeout(ActiveRun run) {
        Duration timeout = run.definition.timeout();
        if (timeout == null) {
            return;
        }
        Instant from = run.timeoutFrom != null ? run.timeoutFrom : run.createdAt;
        long left = Duration.between(Instant.now(), from.plus(timeout)).toMillis();
        run.runTimeout = timers.schedule(() -> dispatch.execute(() -> timeOut(run, timeout)), Math.max(0, left), TimeUnit.MILLISECONDS);
    }

    private void timeOut(ActiveRun run, Duration timeout) {
        synchronized (run) {
            if (run.state.isFinished() || run.failurePhase) {
                return;
            }
            run.error = "the run did not finish within " + timeout.toMillis() + " ms";
            List<Journal.Write> writes = new ArrayList<>();
            for (StepRecord step : run.steps.values()) {
                if (!step.state.isFinished()) {
                    step.state = step.state == StepState.RUNNING ? StepState.FAILED : StepState.CANCELLED;
                    step.error = run.error;
                    step.endedAt = Instant.now();
                    writes.add(store.saveStep(run.runId, step));
                }
            }
            stopAttempts(run, run.error);
            if (run.state == RunState.PAUSED) {
                run.state = RunState.RUNNING;
            }
            writes.add(store.updateRun(run));
            run.writes.addAll(writes);
            advanceLocked(run);
            flush(run);
        }
    }

    private void stopAttempts(ActiveRun run, String why) {
        for (ActiveRun.Attempt attempt : run.running.values()) {
            attempt.cancellation().cancel(why);
            attempt.worker().interrupt();
            if (attempt.timeout() != null) {
                attempt.timeout().cancel(false);
            }
        }
        run.running.clear();
    }

    // ---- slots ----

    private boolean acquireSlot(String workflowId) {
        while (true) {
            int now = runningAttempts.get();
            if (now >= settings.maxConcurrentSteps()) {
                return false;
            }
            if (runningAttempts.compareAndSet(now, now + 1)) {
                break;
            }
        }
        // counted with or without a limit per workflow: the limit can be set while attempts run
        int perWorkflow = settings.maxConcurrentStepsPerWorkflow();
        AtomicInteger count = runningByWorkflow.computeIfAbsent(workflowId, id -> new AtomicInteger());
        if (count.incrementAndGet() > perWorkflow && perWorkflow > 0) {
            count.decrementAndGet();
            runningAttempts.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Whether a slot is free for the workflow now, by the limit that refused it: a step over its
     * workflow's limit must not be tried again and again while global slots are free (that kept a
     * dispatch thread busy and its queue growing for as long as the step waited).
     */
    private boolean slotFree(String workflowId) {
        if (runningAttempts.get() >= settings.maxConcurrentSteps()) {
            return false;
        }
        int perWorkflow = settings.maxConcurrentStepsPerWorkflow();
        AtomicInteger count = perWorkflow > 0 ? runningByWorkflow.get(workflowId) : null;
        return count == null || count.get() < perWorkflow;
    }

    private void releaseSlot(String workflowId) {
        runningAttempts.decrementAndGet();
        AtomicInteger count = runningByWorkflow.get(workflowId);
        if (count != null) {
            count.decrementAndGet();
        }
        wakeWaitingForSlot();
    }

    /**
     * Wakes as many waiting runs as there are free slots, at least one, first come first served: a
     * run still over its workflow's limit queues up again at the end, and is woken when an attempt
     * of its workflow ends. Waking every waiting run on every release made the engine slower the
     * more runs waited.
     */
    private void wakeWaitingForSlot() {
        int wake = Math.max(1, settings.maxConcurrentSteps() - runningAttempts.get());
        while (wake > 0 && !stopping) {
            String next = waitingForSlot.poll();
            if (next == null) {
                break;
            }
            queuedForSlot.remove(next);
            ActiveRun waiting = active.get(next);
            if (waiting != null) {
                dispatch.execute(() -> advance(waiting));
                wake--;
            }
        }
    }

    // ---- helpers ----

    private List<String> restoreSteps(ActiveRun run, List<RunStore.StepRow> rows, boolean forRetry) {
        Map<String, StepDefinition> byId = new LinkedHashMap<>();
        run.definition.steps().forEach(d -> byId.put(d.id(), d));
        Map<String, StepDefinition> failureSteps = new LinkedHashMap<>();
        run.definition.onFailure().forEach(d -> failureSteps.put(d.id(), d));
        Map<String, RunStore.StepRow> byKey = new LinkedHashMap<>();
        rows.forEach(row -> byKey.put(row.key(), row));
        List<String> dropped = new ArrayList<>();
        List<StepDefinition> all = new ArrayList<>(run.definition.steps());
        if (run.failurePhase) {
            all.addAll(run.definition.onFailure());
        }
        for (StepDefinition definition : all) {
            RunStore.StepRow row = byKey.get(definition.id());
            StepRecord step = new StepRecord(definition, null, null);
            run.steps.put(step.key, step);
            if (row != null) {
                apply(step, row);
            }
            List<RunStore.StepRow> items = rows.stream().filter(r -> r.item() != null && r.stepId().equals(definition.id()))
                    .sorted(java.util.Comparator.comparing(RunStore.StepRow::item)).toList();
            boolean keepItems = !items.isEmpty() && !(forRetry && step.state != StepState.SUCCEEDED);
            if (keepItems) {
                step.itemKeys = new ArrayList<>();
                for (RunStore.StepRow itemRow : items) {
                    StepRecord item = new StepRecord(definition, itemRow.item(), null);
                    apply(item, itemRow);
                    run.steps.put(item.key, item);
                    step.itemKeys.add(item.key);
                }
            } else {
                items.forEach(item -> dropped.add(item.key()));
            }
        }
        if (forRetry) {
            for (RunStore.StepRow row : rows) {
                if (row.item() == null && failureSteps.containsKey(row.stepId()) && !byId.containsKey(row.stepId())) {
                    dropped.add(row.key());
                }
            }
            for (StepRecord step : run.steps.values()) {
                if (step.state != StepState.SUCCEEDED) {
                    // a retried step starts again at attempt 1, with its whole retry policy
                    step.attempt = 0;
                    step.state = StepState.PENDING;
                    step.error = null;
                    step.endedAt = null;
                    step.dueAt = null;
                    step.output = null;
                    step.outputJson = null;
                }
            }
        }
        restoreItems(run, byKey);
        for (StepRecord step : run.steps.values()) {
            // an attempt that was running when the engine stopped runs again (at least once)
            if (step.state == StepState.RUNNING && step.itemKeys == null) {
                step.state = StepState.PENDING;
            }
        }
        return dropped;
    }

    /**
     * Gives an unfinished foreach step all its items back, each with its value. Items are stored
     * when they first change state, so after a crash only some have rows, and no row holds the
     * value an item runs with; the list is evaluated again from what it reads (the run's inputs and
     * the finished steps it needs, all stored), and the stored rows are applied to their items.
     */
    private void restoreItems(ActiveRun run, Map<String, RunStore.StepRow> rows) {
        Map<String, List<StepRecord>> rebuilt = new LinkedHashMap<>();
        for (StepRecord step : run.steps.values()) {
            if (step.item != null || step.itemKeys == null || step.state.isFinished() || step.definition.foreach() == null) {
                continue;
            }
            Object list;
            try {
                list = Expressions.evaluate(step.definition.foreach(), variables(run, null));
            } catch (IllegalArgumentException e) {
                list = null;
            }
            if (!(list instanceof List<?> values) || values.size() < step.itemKeys.size()) {
                LOG.warn("Run {} step {}: its foreach list cannot be evaluated again ({}); only its {} stored items continue",
                        run.runId, step.key, list == null ? "an error" : "it changed", step.itemKeys.size());
                continue;
            }
            List<StepRecord> items = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                StepRecord item = new StepRecord(step.definition, i, values.get(i));
                RunStore.StepRow row = rows.get(item.key);
                if (row != null) {
                    apply(item, row);
                }
                items.add(item);
            }
            rebuilt.put(step.key, items);
        }
        if (rebuilt.isEmpty()) {
            return;
        }
        // the same order as when the run was live: each foreach step followed by its items
        List<StepRecord> order = new ArrayList<>();
        for (StepRecord step : run.steps.values()) {
            if (step.item != null && rebuilt.containsKey(step.definition.id())) {
                continue;
            }
            order.add(step);
            List<StepRecord> items = rebuilt.get(step.key);
            if (items != null) {
                order.addAll(items);
                step.itemKeys = new ArrayList<>(items.stream().map(item -> item.key).toList());
            }
        }
        run.steps.clear();
        order.forEach(step -> run.steps.put(step.key, step));
    }

    private static void apply(StepRecord step, RunStore.StepRow row) {
        step.stored = true;
        step.state = row.state();
        step.attempt = row.attempt();
        step.output = row.output();
        step.error = row.error();
        step.startedAt = row.startedAt();
        step.endedAt = row.endedAt();
        step.dueAt = row.dueAt();
        if (row.state() == StepState.WAITING && row.output() instanceof Map<?, ?> state) {
            step.resumeState = castMap(state);
        }
    }

    private Map<String, Object> variables(ActiveRun run, StepRecord current) {
        Map<String, Object> steps = new LinkedHashMap<>();
        for (StepRecord step : run.steps.values()) {
            if (step.item == null && step.state.isFinished()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("output", step.output);
                entry.put("state", step.state.name());
                entry.put("error", step.error);
                steps.put(step.definition.id(), entry);
            }
        }
        Map<String, Object> runInfo = new LinkedHashMap<>();
        runInfo.put("id", run.runId);
        runInfo.put("workflow", run.definition.id());
        runInfo.put("version", run.version);
        runInfo.put("attempt", current == null ? 0 : current.attempt + 1);
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("inputs", run.inputs);
        variables.put("steps", steps);
        variables.put("run", runInfo);
        variables.put("item", current == null ? null : current.itemValue);
        return variables;
    }

    private StepContext context(ActiveRun run, StepRecord step, int attempt, Map<String, Object> inputs,
            Map<String, Object> resumeState, CancellationSignal signal) {
        String runId = run.runId;
        String stepId = step.definition.id();
        StepLogger logger = (level, message) -> journal.submit(store.log(runId, stepId, level.name(),
                message == null ? "" : message, Instant.now()));
        String key = step.idempotencyKey(runId);
        return new StepContext() {
            @Override
            public Map<String, Object> inputs() {
                return inputs;
            }

            @Override
            public String runId() {
                return runId;
            }

            @Override
            public String stepId() {
                return stepId;
            }

            @Override
            public int attempt() {
                return attempt;
            }

            @Override
            public String idempotencyKey() {
                return key;
            }

            @Override
            public StepLogger logger() {
                return logger;
            }

            @Override
            public dev.conflux.api.step.Cancellation cancellation() {
                return signal;
            }

            @Override
            public Map<String, Object> resumeState() {
                return resumeState;
            }
        };
    }

    private CompletableFuture<Void> commit(List<Journal.Write> writes) {
        return journal.submitAll(writes);
    }

    RunView view(ActiveRun run) {
        synchronized (run) {
            return new RunView(run.runId, run.definition.id(), run.version, run.state, run.inputs, run.error, run.trigger,
                    run.createdAt, run.endedAt, List.of());
        }
    }

    private void publishRun(ActiveRun run, RunState before) {
        publishRun(run, run.state, before);
    }

    /** Publishes a run's transition to {@code state}, decided earlier (the run may have moved on since). */
    private void publishRun(ActiveRun run, RunState state, RunState before) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(EventProperties.RUN_ID, run.runId);
        properties.put(EventProperties.WORKFLOW_ID, run.definition.id());
        properties.put(EventProperties.WORKFLOW_VERSION, run.version);
        properties.put(EventProperties.STATE, state.name());
        if (before != null) {
            properties.put(EventProperties.PREVIOUS_STATE, before.name());
        }
        if (run.endedAt != null && state.isFinished()) {
            properties.put(EventProperties.DURATION_MS, Duration.between(run.createdAt, run.endedAt).toMillis());
        }
        if (run.error != null && state == RunState.FAILED) {
            properties.put(EventProperties.ERROR, run.error);
        }
        properties.put(EventProperties.TIMESTAMP, System.currentTimeMillis());
        events.publish(ConfluxTopics.runTopic(state.name()), properties);
    }

    private void publishStep(ActiveRun run, StepRecord step) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(EventProperties.RUN_ID, run.runId);
        properties.put(EventProperties.WORKFLOW_ID, run.definition.id());
        properties.put(EventProperties.WORKFLOW_VERSION, run.version);
        properties.put(EventProperties.STEP_ID, step.definition.id());
        properties.put(EventProperties.STEP_TYPE, step.definition.type());
        if (step.item != null) {
            properties.put(EventProperties.ITEM_INDEX, step.item);
        }
        properties.put(EventProperties.ATTEMPT, step.attempt);
        properties.put(EventProperties.STATE, step.state.name());
        if (step.endedAt != null && step.startedAt != null) {
            properties.put(EventProperties.DURATION_MS, Duration.between(step.startedAt, step.endedAt).toMillis());
        }
        if (step.error != null) {
            properties.put(EventProperties.ERROR, step.error);
        }
        properties.put(EventProperties.TIMESTAMP, System.currentTimeMillis());
        events.publish(ConfluxTopics.stepTopic(step.state.name()), properties);
    }

    private static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value == null) {
            return false;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty() && !"false".equalsIgnoreCase(s);
        }
        if (value instanceof java.util.Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
