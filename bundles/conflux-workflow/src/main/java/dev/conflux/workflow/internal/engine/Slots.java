package dev.conflux.workflow.internal.engine;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrency slots: at most {@code maxConcurrentSteps} attempts run at once across all runs, and
 * at most {@code maxConcurrentStepsPerWorkflow} of one workflow (0: no limit of its own). A run
 * whose step found no slot queues up, at most once, and is woken when one comes free.
 */
final class Slots {

    private volatile int max;
    private volatile int perWorkflow;
    private final AtomicInteger running = new AtomicInteger();
    /** Running attempts per workflow; a workflow with none has no entry, so the map holds only busy workflows. */
    private final Map<String, Integer> byWorkflow = new ConcurrentHashMap<>();
    /** Runs with a step that found no free slot, in the order they asked; each run at most once. */
    private final Queue<String> waiting = new ConcurrentLinkedQueue<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Wakes a waiting run by id: it tries its steps again. Returns false when the run is gone. */
    private final WakeUp wake;

    @FunctionalInterface
    interface WakeUp {
        boolean wake(String runId);
    }

    Slots(int max, int perWorkflow, WakeUp wake) {
        this.max = max;
        this.perWorkflow = perWorkflow;
        this.wake = wake;
    }

    /** New limits, at once: attempts over a lowered limit finish; a raised one wakes waiting runs. */
    void limits(int max, int perWorkflow) {
        this.max = max;
        this.perWorkflow = perWorkflow;
        wakeWaiting();
    }

    /** Takes a slot for one attempt of the workflow, or returns false when none is free. */
    boolean acquire(String workflowId) {
        while (true) {
            int now = running.get();
            if (now >= max) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                break;
            }
        }
        // counted with or without a limit per workflow: the limit can be set while attempts run
        int limit = perWorkflow;
        boolean[] taken = {true};
        byWorkflow.compute(workflowId, (id, count) -> {
            int current = count == null ? 0 : count;
            if (limit > 0 && current >= limit) {
                taken[0] = false;
                return count;
            }
            return current + 1;
        });
        if (!taken[0]) {
            running.decrementAndGet();
        }
        return taken[0];
    }

    /** Gives a slot back and wakes waiting runs. */
    void release(String workflowId) {
        running.decrementAndGet();
        byWorkflow.computeIfPresent(workflowId, (id, count) -> count <= 1 ? null : count - 1);
        wakeWaiting();
    }

    /**
     * Whether a slot is free for the workflow now, by the limit that refused it: a step over its
     * workflow's limit must not be tried again and again while global slots are free.
     */
    boolean free(String workflowId) {
        if (running.get() >= max) {
            return false;
        }
        int limit = perWorkflow;
        Integer count = limit > 0 ? byWorkflow.get(workflowId) : null;
        return count == null || count < limit;
    }

    /** The run waits for a slot (once, however many of its steps do). */
    void await(String runId) {
        if (queued.add(runId)) {
            waiting.add(runId);
        }
    }

    /**
     * Wakes as many waiting runs as there are free slots, at least one, first come first served: a
     * run still over its workflow's limit queues up again at the end, and is woken when an attempt
     * of its workflow ends.
     */
    void wakeWaiting() {
        int wakes = Math.max(1, max - running.get());
        while (wakes > 0) {
            String next = waiting.poll();
            if (next == null) {
                break;
            }
            queued.remove(next);
            if (wake.wake(next)) {
                wakes--;
            }
        }
    }

    /** Runs queued for a slot now. */
    int waiting() {
        return queued.size();
    }

    /** Attempts running now. */
    int running() {
        return running.get();
    }

    /** Workflows with a running attempt now. */
    int busyWorkflows() {
        return byWorkflow.size();
    }
}
