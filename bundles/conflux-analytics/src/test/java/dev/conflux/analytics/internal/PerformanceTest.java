package dev.conflux.analytics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;

import org.junit.Test;

public class PerformanceTest {

    private final Performance performance = new Performance();

    @Test
    public void percentilesUseTheNearestRank() {
        for (long ms = 1; ms <= 100; ms++) {
            performance.runStarted("wf", "r" + ms);
            performance.runEnded("wf", "r" + ms, "SUCCEEDED", ms, 1_000);
        }
        Performance.Durations d = performance.figures(1_000, 60_000).get(0).duration();
        assertEquals(50.0, d.p50(), 0);
        assertEquals(95.0, d.p95(), 0);
        assertEquals(99.0, d.p99(), 0);
        assertEquals(100.0, d.max(), 0);
        assertEquals(50.5, d.mean(), 1e-9);
    }

    @Test
    public void percentilesCoverTheLatestSamplesOnly() {
        for (int i = 0; i < Performance.SAMPLES; i++) {
            performance.stepEnded("wf", "s", "log", "SUCCEEDED", 1000L);
        }
        for (int i = 0; i < Performance.SAMPLES; i++) {
            performance.stepEnded("wf", "s", "log", "SUCCEEDED", 10L);
        }
        Performance.StepFigures step = performance.figures(0, 60_000).get(0).steps().get(0);
        assertEquals(10.0, step.duration().p99(), 0);
        assertEquals("the mean counts everything", 505.0, step.duration().mean(), 1e-9);
        assertEquals(2L * Performance.SAMPLES, step.succeeded());
    }

    @Test
    public void throughputCountsRunsEndedInTheWindow() {
        long now = 10_000_000;
        for (int i = 0; i < 30; i++) {
            performance.runStarted("wf", "old" + i);
            performance.runEnded("wf", "old" + i, "SUCCEEDED", 5L, now - 20 * 60_000); // 20 minutes ago
        }
        for (int i = 0; i < 10; i++) {
            performance.runStarted("wf", "new" + i);
            performance.runEnded("wf", "new" + i, i < 2 ? "FAILED" : "SUCCEEDED", 5L, now - i * 1000);
        }
        Performance.WorkflowFigures wf = performance.figures(now, 5 * 60_000).get(0);
        assertEquals(2.0, wf.throughputPerMinute(), 1e-9); // 10 runs in 5 minutes
        assertEquals(40, wf.started());
        assertEquals(2.0 / 40, wf.errorRate(), 1e-9);
        assertEquals(1.0, wf.completionRate(), 1e-9);
        assertEquals("all 40 within the hour", 40.0 / 60, performance.figures(now, 60 * 60_000).get(0).throughputPerMinute(), 1e-9);
    }

    @Test
    public void activeRunsAreThoseNotEnded() {
        performance.runStarted("wf", "a");
        performance.runStarted("wf", "b");
        performance.runSeen("other", "c");
        performance.runEnded("wf", "a", "CANCELLED", 3L, 0);
        assertEquals(2, performance.activeRuns());
        Performance.WorkflowFigures wf = performance.figures(0, 60_000).get(1);
        assertEquals("wf", wf.workflow());
        assertEquals(0.5, wf.completionRate(), 1e-9);
        assertNull("cancelled runs have no duration", wf.duration().p50());
    }

    @Test
    public void bottlenecksAreTheStepsWithTheLargestShareOfRunTime() {
        for (int i = 0; i < 10; i++) {
            performance.stepEnded("orders", "fetch", "http", "SUCCEEDED", 700L);
            performance.stepEnded("orders", "check", "transform", "SUCCEEDED", 100L);
            performance.stepEnded("orders", "notify", "log", "FAILED", 200L);
            performance.stepEnded("reports", "render", "transform", "SUCCEEDED", 50L);
        }
        performance.stepRetried("orders", "notify", "log");
        List<Performance.StepFigures> top = performance.bottlenecks(3);
        assertEquals("render", top.get(0).step()); // all of its workflow's time
        assertEquals("fetch", top.get(1).step());
        assertEquals(0.7, top.get(1).shareOfRunTime(), 1e-9);
        assertEquals("notify", top.get(2).step());
        assertEquals(1.0, top.get(2).errorRate(), 1e-9);
        assertEquals(1, top.get(2).retries());
        Performance.WorkflowFigures orders = performance.figures(0, 60_000).get(0);
        assertEquals(List.of("fetch", "notify", "check"), orders.steps().stream().map(Performance.StepFigures::step).toList());
    }
}
