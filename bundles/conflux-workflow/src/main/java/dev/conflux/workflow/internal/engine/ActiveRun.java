package dev.conflux.workflow.internal.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import dev.conflux.api.workflow.RunState;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;

/** A run the engine is working on; every field is guarded by the object's own lock. */
final class ActiveRun {

    final String runId;
    final WorkflowDefinition definition;
    final int version;
    final Map<String, Object> inputs;
    final String trigger;
    final Instant createdAt;
    /** When the run's timeout starts counting: its creation, or its latest retry. */
    Instant timeoutFrom;
    RunState state;
    String error;
    Instant endedAt;
    /** The main steps are done and one failed: the onFailure steps run now. */
    boolean failurePhase;
    /** Steps and foreach items by key, in definition order. */
    final Map<String, StepRecord> steps = new LinkedHashMap<>();
    /** Running attempts by step key. */
    final Map<String, Attempt> running = new HashMap<>();
    ScheduledFuture<?> runTimeout;
    /** The step of another run that waits for this one to end (a child run), or null. */
    Parent parent;
    /** Its row has been written (or is in the journal's hands): later changes are updates. */
    boolean stored;
    /** State changes decided but not yet committed; committed together, then {@link #afterCommit} runs. */
    final List<Journal.Write> writes = new ArrayList<>();
    /** What to do once {@link #writes} are committed: start attempts, publish events. */
    final List<Runnable> afterCommit = new ArrayList<>();
    /** What to undo when {@link #writes} cannot be committed (give back concurrency slots). */
    final List<Runnable> onCommitFailure = new ArrayList<>();

    ActiveRun(String runId, WorkflowDefinition definition, int version, Map<String, Object> inputs, String trigger,
            Instant createdAt, RunState state) {
        this.runId = runId;
        this.definition = definition;
        this.version = version;
        this.inputs = inputs;
        this.trigger = trigger;
        this.createdAt = createdAt;
        this.state = state;
    }

    /** A parent run's step that a child run resumes when it ends. */
    record Parent(String runId, String stepKey) {
    }

    /** One running attempt: the worker running it, its cancellation signal and its timeout. */
    record Attempt(int number, Worker worker, CancellationSignal cancellation, ScheduledFuture<?> timeout) {
    }

    /**
     * The thread that runs an attempt, once it runs. Stopping an attempt interrupts that thread;
     * the task itself is never cancelled, so it always runs and always gives its slot back.
     */
    static final class Worker {
        private Thread thread;
        private boolean done;

        synchronized boolean enter() {
            if (done) {
                return false;
            }
            thread = Thread.currentThread();
            return true;
        }

        synchronized void leave() {
            thread = null;
            done = true;
            Thread.interrupted(); // an interrupt meant for this attempt must not reach the worker's next task
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
