package dev.conflux.workflow.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.concurrent.NamedThreads;
import dev.conflux.api.step.StepLogger;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

/**
 * Runs step attempts on a bounded pool of workers: hands each its context, bounds it by its step's
 * timeout, stops it on cancellation, turns what it returns or throws into a {@link StepResult}
 * (with its output serialised, so an output that cannot be stored fails the step), and gives its
 * concurrency slot back. A worker that reports an outcome runs the next attempt it allows itself.
 */
final class AttemptRunner implements AutoCloseable {

    /** Where an attempt's result goes, on the worker that ran it. */
    @FunctionalInterface
    interface Outcomes {
        void finished(ActiveRun run, StepRecord step, int attempt, StepResult result, String outputJson);
    }

    /** Where steps' log lines go. */
    @FunctionalInterface
    interface StepLogs {
        void log(String runId, String stepId, StepLogger.Level level, String message);
    }

    private static final Logger LOG = LoggerFactory.getLogger(AttemptRunner.class);

    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Slots slots;
    private final StepLogs logs;
    private final Outcomes outcomes;
    /** On a worker thread: the attempt it runs next (see {@link #launch}). */
    private final ThreadLocal<Continuation> continuation = new ThreadLocal<>();
    private volatile boolean stopping;

    AttemptRunner(int workers, ScheduledExecutorService timers, Slots slots, StepLogs logs, Outcomes outcomes) {
        this.workers = Executors.newFixedThreadPool(Math.max(1, workers), NamedThreads.numbered("conflux-workflow-step"));
        this.timers = timers;
        this.slots = slots;
        this.logs = logs;
        this.outcomes = outcomes;
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
     * Starts an attempt whose RUNNING state is stored, holding a slot; called with the run's lock held.
     * Its timeout counts from the step's attempt deadline.
     */
    void start(ActiveRun run, StepRecord step, StepType type, Map<String, Object> inputs, Map<String, Object> resumeState) {
        int attempt = step.attempt;
        CancellationSignal signal = new CancellationSignal();
        ActiveRun.Worker worker = new ActiveRun.Worker();
        StepLogger logger = (level, message) -> logs.log(run.runId, step.definition.id(), level, message == null ? "" : message);
        AttemptContext context = new AttemptContext(inputs, run.runId, step.definition.id(), step.key, attempt,
                step.idempotencyKey(run.runId), logger, signal, resumeState);
        launch(() -> execute(run, step, type, context, signal, worker));
        Instant deadline = step.attemptDeadline;
        var timeout = deadline == null ? null : timers.schedule(() -> {
            signal.cancel("timed out after " + step.definition.timeout().toMillis() + " ms");
            worker.interrupt();
        }, Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        run.running.put(step.key, new ActiveRun.Attempt(attempt, worker, signal, timeout));
    }

    /** Stops the run's running attempts: their signals are cancelled and their threads interrupted. Called with the run's lock held. */
    static void stop(ActiveRun run, String why) {
        for (ActiveRun.Attempt attempt : run.running.values()) {
            attempt.cancellation().cancel(why);
            attempt.worker().interrupt();
            if (attempt.timeout() != null) {
                attempt.timeout().cancel(false);
            }
        }
        run.running.clear();
    }

    /** The attempt's bookkeeping ends with its result; called with the run's lock held. */
    static void ended(ActiveRun run, StepRecord step, int attempt) {
        ActiveRun.Attempt running = run.running.get(step.key);
        if (running != null && running.number() == attempt) {
            run.running.remove(step.key);
            if (running.timeout() != null) {
                running.timeout().cancel(false);
            }
        }
    }

    /**
     * Runs {@code settle} (waiting for an outcome to be stored and acting on it) with this worker's
     * continuation armed: the first attempt that it launches runs on this worker right after.
     */
    void continuing(Runnable settle) {
        Continuation here = continuation.get();
        if (here != null) {
            here.armed = true;
        }
        try {
            settle.run();
        } finally {
            if (here != null) {
                here.armed = false;
            }
        }
    }

    /** New pool size, at once: running attempts go on. */
    void resize(int size) {
        if (workers instanceof ThreadPoolExecutor pool) {
            int target = Math.max(1, size);
            if (target > pool.getMaximumPoolSize()) {
                pool.setMaximumPoolSize(target);
                pool.setCorePoolSize(target);
            } else {
                pool.setCorePoolSize(target);
                pool.setMaximumPoolSize(target);
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs an attempt on a worker. On a worker that is acting on a stored outcome (a step it ran
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

    private void execute(ActiveRun run, StepRecord step, StepType type, AttemptContext context, CancellationSignal signal,
            ActiveRun.Worker worker) {
        StepResult result;
        String outputJson = null;
        try {
            if (!worker.enter() || signal.isCancelled()) {
                result = StepResult.retryableFailure(signal.reason() != null ? signal.reason() : "stopped before it started");
            } else {
                result = type.execute(context);
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
            slots.release(run.definition.id());
        }
        if (signal.isCancelled() && !(result instanceof StepResult.Failure)) {
            result = StepResult.retryableFailure(signal.reason());
            outputJson = null; // the output or state of the result it replaces
        }
        if (!stopping) {
            outcomes.finished(run, step, context.attempt(), result, outputJson); // on this worker: one thread hop less per step
        }
    }
}
