package dev.conflux.workflow.internal.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.concurrent.NamedThreads;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.store.StoreException;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepState;
import dev.conflux.workflow.internal.definition.StepDefinition;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;
import dev.conflux.workflow.internal.schema.JsonSchemas;

/**
 * Runs workflows: the facade over the engine's parts. Every state change is committed through the
 * {@link Journal} before the engine acts on it, so after a crash every unfinished run continues
 * from the database: steps that succeeded do not run again, steps that were running run again
 * with the next attempt number.
 *
 * <p>Each run is guarded by its own lock. Under it the {@link RunScheduler} decides what changes;
 * this class commits the decided changes (many runs' changes share a commit) and then acts on
 * them: the {@link AttemptRunner} runs attempts, {@link Slots} bound how many at once,
 * {@link RunEvents} announces transitions, {@link RunRecovery} rebuilds runs after a restart.
 * Parent and child runs are linked here: a child's end resumes the parent's waiting step.
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
    private final RunEvents events;
    private volatile Settings settings;
    /** How long finished runs are kept; zero or less keeps them. */
    private volatile Duration keep = Duration.ZERO;
    private boolean purging;
    private final Map<String, ActiveRun> active = new ConcurrentHashMap<>();
    private final ExecutorService dispatch;
    private final ScheduledExecutorService timers;
    private final Slots slots;
    private final AttemptRunner attempts;
    private final RunScheduler scheduler;
    private volatile boolean stopping;

    public RunEngine(DataSource dataSource, Definitions definitions, Function<String, Optional<StepType>> stepTypes,
            Events events, Settings settings) {
        this.journal = new Journal(dataSource);
        this.store = new RunStore(dataSource);
        this.definitions = definitions;
        this.stepTypes = stepTypes;
        this.events = new RunEvents(events);
        this.settings = settings;
        this.dispatch = Executors.newFixedThreadPool(2, NamedThreads.numbered("conflux-workflow-dispatch"));
        this.timers = Executors.newSingleThreadScheduledExecutor(NamedThreads.numbered("conflux-workflow-timer"));
        this.slots = new Slots(settings.maxConcurrentSteps(), settings.maxConcurrentStepsPerWorkflow(), this::advanceLater);
        this.attempts = new AttemptRunner(settings.maxConcurrentSteps(), timers, slots,
                (runId, stepId, level, message) -> journal.submit(store.log(runId, stepId, level.name(), message, Instant.now())),
                this::finishAttempt);
        this.scheduler = new RunScheduler(Clock.systemUTC(), () -> this.settings.stepTypeWaitLimit(), new Decisions());
    }

    RunStore store() {
        return store;
    }

    /** Whether no run is active: nothing is running, waiting or due. */
    boolean idle() {
        return active.isEmpty();
    }

    /** How many runs wait for a concurrency slot. */
    int waitingForSlot() {
        return slots.waiting();
    }

    // ---- lifecycle ----

    /** Picks up every run that had not finished when the engine last stopped (or crashed). */
    public int recover() {
        List<RunStore.StoredRun> unfinished;
        List<ActiveRun.Parent> toResume;
        try {
            unfinished = store.unfinished();
            toResume = store.parentsOfEndedChildren();
        } catch (StoreException e) {
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
            run.parent = stored.parent();
            run.failurePhase = stored.failurePhase();
            run.error = view.error();
            run.timeoutFrom = stored.retriedAt() != null ? stored.retriedAt() : view.createdAt();
            RunRecovery.restoreSteps(run, stored.steps(), false);
            active.put(run.runId, run);
            scheduleRunTimeout(run);
            recovered++;
            dispatch.execute(() -> advance(run));
        }
        // a child ended, and the engine stopped before its parent's step had resumed
        toResume.forEach(parent -> resumeNow(parent.runId(), parent.stepKey()));
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
            } catch (RuntimeException e) {
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
        if (changed.maxConcurrentSteps() != before.maxConcurrentSteps()) {
            attempts.resize(changed.maxConcurrentSteps());
        }
        // a raised limit has room for waiting runs now; a lowered one queues them again
        slots.limits(changed.maxConcurrentSteps(), changed.maxConcurrentStepsPerWorkflow());
    }

    @Override
    public void close() {
        stopping = true;
        timers.shutdownNow();
        attempts.close();
        dispatch.shutdown();
        try {
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
     * Starts a run with a given id, or returns that run when it exists already (a cron fire time
     * that another node sharing the database started). The id is not looked up first: the run's
     * insert fails on the primary key when the id is taken, and then the stored run is returned
     * (one read for the rare repeat instead of one for every start).
     */
    public RunView start(String workflowId, Map<String, Object> inputs, String trigger, String runId) {
        return start(workflowId, inputs, trigger, runId, null);
    }

    /** The id of the child run that the step behind {@code parentStep} starts (the same for every attempt of it). */
    public String childRunId(StepContext parentStep) {
        return RunIds.child(parentStep.idempotencyKey());
    }

    /**
     * Starts the child run of a step, or returns it when that step started it before (it runs again
     * after a crash). The child's end resumes the step at once, when it waits for it.
     *
     * @param parentStep the context the engine handed the step
     */
    public RunView startChild(StepContext parentStep, String workflowId, Map<String, Object> inputs) {
        if (!(parentStep instanceof AttemptContext context)) {
            throw new IllegalArgumentException("only a step that this engine runs can start a child run");
        }
        return start(workflowId, inputs, "parent", childRunId(context), new ActiveRun.Parent(context.runId(), context.stepKey()));
    }

    private RunView start(String workflowId, Map<String, Object> inputs, String trigger, String runId, ActiveRun.Parent parent) {
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
        run.parent = parent;
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
            scheduler.advance(run);
            RunState first = run.state == RunState.RUNNING ? RunState.RUNNING : RunState.PENDING;
            run.writes.add(0, store.insertRun(run));
            run.afterCommit.add(0, () -> events.run(run, first, null));
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
                } catch (StoreException unreadable) {
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
            events.run(run, run.state, before);
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
            events.run(run, run.state, RunState.PAUSED);
        }
        dispatch.execute(() -> advance(run));
        return view(run);
    }

    /**
     * Makes a WAITING step due now (what it waited for happened, e.g. its child run ended); a step
     * still in its attempt is due as soon as it parks. Nothing when the run or the step is elsewhere.
     */
    void resumeNow(String runId, String stepKey) {
        ActiveRun run = active.get(runId);
        if (run == null) {
            return;
        }
        boolean due;
        synchronized (run) {
            StepRecord step = run.steps.get(stepKey);
            due = step != null && scheduler.resumeNow(step);
        }
        if (due) {
            dispatch.execute(() -> advance(run));
        }
    }

    public RunView cancel(String runId) {
        ActiveRun run = activeOrConflict(runId, "cancelled");
        synchronized (run) {
            if (run.state.isFinished()) {
                throw ProblemException.conflict("run " + runId + " has already finished (" + run.state + ")");
            }
            RunState before = run.state;
            scheduler.cancel(run);
            List<Journal.Write> writes = new ArrayList<>(run.writes);
            run.writes.clear();
            commit(writes).join();
            finish(run, before);
        }
        cancelChildren(runId);
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
        } catch (StoreException e) {
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
        run.parent = stored.parent();
        run.timeoutFrom = Instant.now(); // a retried run has its whole timeout again
        List<Journal.Write> writes = new ArrayList<>();
        writes.add(store.retried(run.runId, run.timeoutFrom));
        synchronized (run) {
            List<String> dropped = RunRecovery.restoreSteps(run, stored.steps(), true);
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
        } catch (CompletionException e) {
            active.remove(runId, run);
            throw new IllegalStateException("the retry could not be stored: " + e.getCause().getMessage(), e.getCause());
        }
        events.run(run, run.state, before);
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
        } catch (StoreException e) {
            throw new IllegalStateException("cannot read run " + runId + ": " + e.getMessage(), e);
        }
    }

    /** A cancelled run's child runs are cancelled too. */
    private void cancelChildren(String runId) {
        List<String> children;
        try {
            children = store.unfinishedChildren(runId);
        } catch (StoreException e) {
            LOG.warn("Run {} was cancelled, but its child runs cannot be read to cancel them", runId, e);
            return;
        }
        for (String child : children) {
            try {
                cancel(child);
            } catch (ProblemException finishedMeanwhile) {
                // nothing left to cancel
            }
        }
    }

    // ---- committing and acting ----

    /** Starts whatever can start now and finishes the run when everything is done. */
    void advance(ActiveRun run) {
        if (stopping) {
            return;
        }
        synchronized (run) {
            scheduler.advance(run);
            flush(run);
        }
    }

    /** Advances the run later, on a dispatch thread; false when it is no longer active. */
    private boolean advanceLater(String runId) {
        ActiveRun run = active.get(runId);
        if (run == null || stopping) {
            return false;
        }
        dispatch.execute(() -> advance(run));
        return true;
    }

    /** An attempt ended, on the worker that ran it: its outcome is decided and stored, and the next step may start here. */
    private void finishAttempt(ActiveRun run, StepRecord step, int attempt, StepResult result, String outputJson) {
        Decided decided;
        synchronized (run) {
            AttemptRunner.ended(run, step, attempt);
            scheduler.outcome(run, step, attempt, result, outputJson);
            decided = take(run);
        }
        attempts.continuing(() -> settle(run, decided, true));
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
    private void flush(ActiveRun run) {
        Decided decided = take(run);
        if (decided != null) {
            decided.committed().whenCompleteAsync((ok, error) -> settled(run, decided, error, true), dispatch);
        }
    }

    /**
     * Waits on this thread until decided changes are committed and runs their actions here. A
     * worker that finished a step continues this way, and the step it started runs next on the same
     * thread: two thread hops less per step than through {@link #flush}. Called without the run's lock.
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
        } catch (CompletionException | CancellationException e) {
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

    /** The run has ended and is stored so: put it away, announce it, and resume the parent step that waits for it. */
    private void finish(ActiveRun run, RunState before) {
        if (run.runTimeout != null) {
            run.runTimeout.cancel(false);
        }
        active.remove(run.runId, run);
        events.run(run, run.state, before);
        LOG.debug("Run {} of '{}' {}", run.runId, run.definition.id(), run.state);
        ActiveRun.Parent parent = run.parent;
        if (parent != null && !stopping) {
            // on a dispatch thread: this run's lock is held here, and the parent's must not be taken inside it
            dispatch.execute(() -> resumeNow(parent.runId(), parent.stepKey()));
        }
    }

    private void scheduleRunTimeout(ActiveRun run) {
        Duration timeout = run.definition.timeout();
        if (timeout == null) {
            return;
        }
        Instant from = run.timeoutFrom != null ? run.timeoutFrom : run.createdAt;
        long left = Duration.between(Instant.now(), from.plus(timeout)).toMillis();
        run.runTimeout = timers.schedule(() -> dispatch.execute(() -> {
            synchronized (run) {
                scheduler.timeOut(run, timeout);
                flush(run);
            }
        }), Math.max(0, left), TimeUnit.MILLISECONDS);
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

    /** How the scheduler's decisions become journal writes, actions after the commit, timers and slots. */
    private final class Decisions implements RunScheduler.Effects {

        @Override
        public Optional<StepType> stepType(String name) {
            return stepTypes.apply(name);
        }

        @Override
        public boolean takeSlot(ActiveRun run) {
            String workflowId = run.definition.id();
            if (slots.acquire(workflowId)) {
                return true;
            }
            slots.await(run.runId);
            if (slots.free(workflowId)) {
                dispatch.execute(() -> advance(run)); // a slot came free between the try and the queueing
            }
            return false;
        }

        @Override
        public void giveBackSlot(ActiveRun run) {
            slots.release(run.definition.id());
        }

        @Override
        public void stepChanged(ActiveRun run, StepRecord step) {
            run.writes.add(store.saveStep(run.runId, step));
            run.afterCommit.add(() -> events.step(run, step));
        }

        @Override
        public void stepSaved(ActiveRun run, StepRecord step) {
            run.writes.add(store.saveStep(run.runId, step));
        }

        @Override
        public void runSaved(ActiveRun run) {
            if (run.stored) { // a run not inserted yet gets its row with its insert
                run.writes.add(store.updateRun(run));
            }
        }

        @Override
        public void runChanged(ActiveRun run, RunState before) {
            RunState state = run.state;
            run.writes.add(store.updateRun(run));
            run.afterCommit.add(() -> events.run(run, state, before));
        }

        @Override
        public void runEnded(ActiveRun run, RunState before) {
            runSaved(run);
            run.afterCommit.add(() -> {
                synchronized (run) {
                    finish(run, before);
                }
            });
        }

        @Override
        public void attemptDecided(ActiveRun run, StepRecord step, StepType type, Map<String, Object> inputs,
                Map<String, Object> resumeState) {
            int attempt = step.attempt;
            String workflowId = run.definition.id();
            run.writes.add(store.saveStep(run.runId, step));
            run.onCommitFailure.add(() -> slots.release(workflowId));
            run.afterCommit.add(() -> {
                synchronized (run) {
                    if (step.state != StepState.RUNNING || step.attempt != attempt || run.state == RunState.CANCELLED) {
                        slots.release(workflowId);
                        return;
                    }
                    attempts.start(run, step, type, inputs, resumeState);
                }
                events.step(run, step);
            });
        }

        /**
         * One pending timer per step, unless an earlier wake is needed (a step resumed early may park
         * again sooner); after a restart the timers of the previous engine are gone.
         */
        @Override
        public void wakeAt(ActiveRun run, StepRecord step, Instant when) {
            if (step.wakeScheduled && step.wakeTime != null && !step.wakeTime.isAfter(when)) {
                return;
            }
            step.wakeScheduled = true;
            step.wakeTime = when;
            long delay = Duration.between(Instant.now(), when).toMillis();
            // the timer holds ids, not the run: a run that ends before a far wake is not kept in memory by it
            String runId = run.runId;
            String stepKey = step.key;
            timers.schedule(() -> dispatch.execute(() -> {
                ActiveRun current = active.get(runId);
                if (current == null) {
                    return;
                }
                synchronized (current) {
                    StepRecord woken = current.steps.get(stepKey);
                    if (woken != null && when.equals(woken.wakeTime)) {
                        woken.wakeScheduled = false;
                        woken.wakeTime = null;
                    }
                }
                advance(current);
            }), Math.max(1, delay + 1), TimeUnit.MILLISECONDS);
        }

        @Override
        public void stopAttempts(ActiveRun run, String why) {
            AttemptRunner.stop(run, why);
        }
    }
}
