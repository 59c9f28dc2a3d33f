package dev.conflux.analytics.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Performance of workflows and their steps, from the engine's events: counts since the analytics
 * bundle started, throughput over a recent window (at most an hour), and duration percentiles over the most recent
 * {@value #SAMPLES} durations of each workflow and step. Fed by one thread; read by any.
 */
public final class Performance {

    static final int SAMPLES = 4096;
    /** Completions are counted per second over the last hour: the longest throughput window. */
    static final int SECONDS = 3600;
    /** Runs of one workflow held active at most: a run whose end was never seen (an event dropped) ages out. */
    static final int MAX_ACTIVE_RUNS = 100_000;

    /** One workflow's figures, with its steps ranked by the share of run time they take. */
    public record WorkflowFigures(String workflow, long started, long succeeded, long failed, long cancelled, long active,
            double throughputPerMinute, double errorRate, double completionRate, Durations duration, long retries,
            List<StepFigures> steps) {
    }

    public record StepFigures(String workflow, String step, String type, long succeeded, long failed, long skipped,
            long retries, double errorRate, Durations duration, double shareOfRunTime) {
    }

    /** Milliseconds; {@code null} percentiles when nothing has been measured yet. */
    public record Durations(long count, Double mean, Double p50, Double p95, Double p99, Double max) {
    }

    /** The last durations, a ring. */
    static final class Window {
        private final long[] values = new long[SAMPLES];
        private int size;
        private int next;
        private long total;
        private long count;

        void add(long millis) {
            values[next] = millis;
            next = (next + 1) % values.length;
            size = Math.min(size + 1, values.length);
            total += millis;
            count++;
        }

        Durations durations() {
            if (size == 0) {
                return new Durations(0, null, null, null, null, null);
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return new Durations(count, (double) total / count, quantile(sorted, 0.50), quantile(sorted, 0.95),
                    quantile(sorted, 0.99), (double) sorted[sorted.length - 1]);
        }

        /** Nearest rank: the smallest value with at least q of the samples at or below it. */
        static double quantile(long[] sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    private static final class StepStats {
        final String type;
        final Window durations = new Window();
        long succeeded;
        long failed;
        long skipped;
        long retries;
        long totalMillis;

        StepStats(String type) {
            this.type = type;
        }
    }

    private static final class WorkflowStats {
        final Window durations = new Window();
        final Map<String, StepStats> steps = new TreeMap<>();
        final long[] second = new long[SECONDS];
        final int[] completions = new int[SECONDS];
        long started;
        long succeeded;
        long failed;
        long cancelled;
        long retries;
        final Set<String> active = new LinkedHashSet<>();
    }

    private final Map<String, WorkflowStats> workflows = new TreeMap<>();

    public synchronized void runStarted(String workflow, String runId) {
        WorkflowStats w = workflow(workflow);
        if (activate(w, runId)) {
            w.started++;
        }
    }

    private static boolean activate(WorkflowStats w, String runId) {
        if (!w.active.add(runId)) {
            return false;
        }
        if (w.active.size() > MAX_ACTIVE_RUNS) {
            Iterator<String> oldest = w.active.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** Drops a workflow's figures: it was undeployed, or it is the least recently seen of too many. */
    public synchronized void forget(String workflow) {
        workflows.remove(workflow);
    }

    /** Drops a step's figures. */
    public synchronized void forgetStep(String workflow, String step) {
        WorkflowStats w = workflows.get(workflow);
        if (w != null) {
            w.steps.remove(step);
        }
    }

    /** The workflows with figures, by id. */
    public synchronized Set<String> workflows() {
        return new TreeSet<>(workflows.keySet());
    }

    /** A run that was running before a restart: active again, but not started again. */
    public synchronized void runSeen(String workflow, String runId) {
        activate(workflow(workflow), runId);
    }

    public synchronized void runEnded(String workflow, String runId, String state, Long durationMillis, long at) {
        WorkflowStats w = workflow(workflow);
        w.active.remove(runId);
        switch (state) {
            case "SUCCEEDED" -> w.succeeded++;
            case "FAILED" -> w.failed++;
            case "CANCELLED" -> w.cancelled++;
            default -> {
                return;
            }
        }
        if (durationMillis != null && !"CANCELLED".equals(state)) {
            w.durations.add(durationMillis);
        }
        long sec = Math.floorDiv(at, 1000);
        int slot = (int) Math.floorMod(sec, SECONDS);
        if (w.second[slot] != sec) {
            w.second[slot] = sec;
            w.completions[slot] = 0;
        }
        w.completions[slot]++;
    }

    public synchronized void stepEnded(String workflow, String step, String type, String state, Long durationMillis) {
        StepStats s = workflow(workflow).steps.computeIfAbsent(step, k -> new StepStats(type));
        switch (state) {
            case "SUCCEEDED" -> s.succeeded++;
            case "FAILED" -> s.failed++;
            case "SKIPPED" -> s.skipped++;
            default -> {
                return;
            }
        }
        if (durationMillis != null && !"SKIPPED".equals(state)) {
            s.durations.add(durationMillis);
            s.totalMillis += durationMillis;
        }
    }

    public synchronized void stepRetried(String workflow, String step, String type) {
        WorkflowStats w = workflow(workflow);
        w.retries++;
        w.steps.computeIfAbsent(step, k -> new StepStats(type)).retries++;
    }

    /** Runs that have started (or were seen running) and not ended, over every workflow. */
    public synchronized int activeRuns() {
        return workflows.values().stream().mapToInt(w -> w.active.size()).sum();
    }

    /** Every workflow seen, with throughput over the window ending at {@code now}. */
    public synchronized List<WorkflowFigures> figures(long now, long windowMillis) {
        List<WorkflowFigures> all = new ArrayList<>();
        workflows.forEach((id, w) -> all.add(figures(id, w, now, windowMillis)));
        return all;
    }

    /** The steps that take the largest share of their workflow's run time, across all workflows. */
    public synchronized List<StepFigures> bottlenecks(int limit) {
        List<StepFigures> steps = new ArrayList<>();
        workflows.forEach((id, w) -> steps.addAll(stepFigures(id, w)));
        steps.sort(Comparator.comparingDouble(StepFigures::shareOfRunTime).reversed()
                .thenComparing(s -> s.duration().mean() == null ? 0 : -s.duration().mean()));
        return steps.subList(0, Math.min(limit, steps.size()));
    }

    private WorkflowFigures figures(String id, WorkflowStats w, long now, long windowMillis) {
        long windowSeconds = Math.max(1, Math.min(SECONDS, windowMillis / 1000));
        long nowSecond = Math.floorDiv(now, 1000);
        long recent = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (w.second[i] > nowSecond - windowSeconds && w.second[i] <= nowSecond) {
                recent += w.completions[i];
            }
        }
        long finished = w.succeeded + w.failed + w.cancelled;
        double perMinute = recent * 60.0 / windowSeconds;
        List<StepFigures> steps = stepFigures(id, w);
        steps.sort(Comparator.comparingDouble(StepFigures::shareOfRunTime).reversed());
        return new WorkflowFigures(id, w.started, w.succeeded, w.failed, w.cancelled, w.active.size(), perMinute,
                finished == 0 ? 0 : (double) w.failed / finished, w.started == 0 ? 0 : Math.min(1, (double) finished / w.started),
                w.durations.durations(), w.retries, steps);
    }

    private static List<StepFigures> stepFigures(String workflow, WorkflowStats w) {
        long all = w.steps.values().stream().mapToLong(s -> s.totalMillis).sum();
        List<StepFigures> steps = new ArrayList<>();
        w.steps.forEach((step, s) -> {
            long ended = s.succeeded + s.failed;
            steps.add(new StepFigures(workflow, step, s.type, s.succeeded, s.failed, s.skipped, s.retries,
                    ended == 0 ? 0 : (double) s.failed / ended, s.durations.durations(),
                    all == 0 ? 0 : (double) s.totalMillis / all));
        });
        return steps;
    }

    private WorkflowStats workflow(String id) {
        return workflows.computeIfAbsent(id, k -> new WorkflowStats());
    }
}
