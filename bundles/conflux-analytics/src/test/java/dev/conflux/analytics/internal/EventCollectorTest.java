package dev.conflux.analytics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.osgi.service.event.Event;

import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

public class EventCollectorTest {

    private final PrometheusMeterRegistry registry = Metrics.create();
    private final EventCollector collector = new EventCollector(registry);

    @Test
    public void runAndStepEventsBecomeMetersAndFigures() {
        run("r1", "RUNNING", null, null);
        step("r1", "fetch", "RUNNING", null, null);
        assertEquals(1.0, registry.get("conflux.steps.current").tag("state", "RUNNING").gauge().value(), 0);
        step("r1", "fetch", "RETRY_WAIT", null, null);
        step("r1", "fetch", "RUNNING", null, null);
        step("r1", "fetch", "SUCCEEDED", 120L, null);
        step("r1", "fetch", "SUCCEEDED", 5L, 0); // a foreach item: counted through its step
        run("r1", "SUCCEEDED", "RUNNING", 150L);

        assertEquals(1.0, registry.get("conflux.runs.started").tag("workflow", "orders").counter().count(), 0);
        assertEquals(1.0, registry.get("conflux.runs.succeeded").tag("workflow", "orders").counter().count(), 0);
        assertEquals(1.0, registry.get("conflux.step.retries").tag("step", "fetch").counter().count(), 0);
        assertEquals(1, registry.get("conflux.step.duration").tag("step", "fetch").timer().count());
        assertEquals(0.0, registry.get("conflux.steps.current").tag("state", "RUNNING").gauge().value(), 0);
        assertEquals(0.0, registry.get("conflux.runs.active").gauge().value(), 0);
        Performance.WorkflowFigures orders = collector.performance().figures(System.currentTimeMillis(), 60_000).get(0);
        assertEquals(1, orders.succeeded());
        assertEquals(120.0, orders.steps().get(0).duration().p50(), 0);

        String scrape = registry.scrape();
        assertTrue(scrape, scrape.contains("conflux_runs_succeeded_total{workflow=\"orders\"} 1"));
        assertTrue(scrape, scrape.contains("conflux_step_duration_seconds_bucket{step=\"fetch\",type=\"http\",workflow=\"orders\","));
    }

    @Test
    public void aResumedRunIsNotStartedAgain() {
        run("r1", "RUNNING", null, null);
        run("r1", "PAUSED", "RUNNING", null);
        run("r1", "RUNNING", "PAUSED", null);
        assertEquals(1.0, registry.get("conflux.runs.started").counter().count(), 0);
        assertEquals(1.0, registry.get("conflux.runs.active").gauge().value(), 0);
    }

    @Test
    public void aRunThatWaitsPendingIsStartedOnceWhenItIsStoredNotAgainWhenItRuns() {
        run("r1", "PENDING", null, null);
        assertEquals(1.0, registry.get("conflux.runs.active").gauge().value(), 0);
        run("r1", "RUNNING", "PENDING", null);
        run("r1", "SUCCEEDED", "RUNNING", 40L);
        assertEquals(1.0, registry.get("conflux.runs.started").counter().count(), 0);
        assertEquals(1.0, registry.get("conflux.runs.succeeded").counter().count(), 0);
        assertEquals(0.0, registry.get("conflux.runs.active").gauge().value(), 0);
    }

    @Test
    public void aFullQueueDropsAndCountsInsteadOfBlocking() {
        Event event = new Event(ConfluxTopics.WORKFLOW_RUN + "RUNNING", Map.of());
        for (int i = 0; i < EventCollector.QUEUE_CAPACITY + 25; i++) {
            collector.handleEvent(event); // nobody drains: the collector's thread is not started here
        }
        assertEquals(25.0, registry.get("conflux.analytics.events.dropped").counter().count(), 0);
        assertEquals(EventCollector.QUEUE_CAPACITY, registry.get("conflux.analytics.queue.depth").gauge().value(), 0);
    }

    @Test
    public void otherConfluxEventsAreCountedByTopic() {
        collector.apply(new Event("conflux/platform/health/DEGRADED", Map.of()));
        assertEquals(1.0, registry.get("conflux.events").tag("topic", "conflux/platform/health/DEGRADED").counter().count(), 0);
    }

    @Test
    public void anUndeployedWorkflowLeavesTheRegistryAndThePerformanceFigures() {
        run("r1", "RUNNING", null, null);
        step("r1", "fetch", "SUCCEEDED", 120L, null);
        run("r1", "SUCCEEDED", "RUNNING", 150L);
        run("b1", "billing", "RUNNING", null, null);
        assertEquals(1, registry.find("conflux.step.duration").tag("workflow", "orders").timers().size());

        collector.apply(new Event(ConfluxTopics.WORKFLOW_DEFINITION + "UNDEPLOYED",
                Map.of(EventProperties.WORKFLOW_ID, "orders", EventProperties.WORKFLOW_VERSION, 1)));

        assertTrue(registry.find("conflux.runs.started").tag("workflow", "orders").counters().isEmpty());
        assertTrue(registry.find("conflux.runs.succeeded").tag("workflow", "orders").counters().isEmpty());
        assertTrue(registry.find("conflux.step.duration").tag("workflow", "orders").timers().isEmpty());
        assertTrue(registry.find("conflux.steps.ended").tag("workflow", "orders").counters().isEmpty());
        assertEquals(1.0, registry.get("conflux.runs.started").tag("workflow", "billing").counter().count(), 0);
        assertEquals(List.of("billing"), collector.performance().figures(System.currentTimeMillis(), 60_000).stream()
                .map(Performance.WorkflowFigures::workflow).toList());
        assertEquals(List.of("billing"), collector.trackedWorkflows());
        assertEquals("an undeploy is no eviction", 0.0, evictions("workflow"), 0);
    }

    @Test
    public void aFloodOfWorkflowIdsKeepsAtMostTheBoundAndCountsWhatItDrops() {
        for (int i = 0; i < EventCollector.MAX_WORKFLOWS + 30; i++) {
            run("r" + i, "w" + i, "RUNNING", null, null);
        }
        assertEquals(EventCollector.MAX_WORKFLOWS, collector.trackedWorkflows().size());
        assertEquals(EventCollector.MAX_WORKFLOWS, registry.find("conflux.runs.started").counters().size());
        assertEquals(EventCollector.MAX_WORKFLOWS, collector.performance().figures(System.currentTimeMillis(), 60_000).size());
        assertEquals(30.0, evictions("workflow"), 0);
        assertTrue("the least recently seen went first", registry.find("conflux.runs.started").tag("workflow", "w0").counters().isEmpty());
        assertEquals(1, registry.find("conflux.runs.started").tag("workflow", "w" + (EventCollector.MAX_WORKFLOWS + 29)).counters().size());
    }

    @Test
    public void aFloodOfStepIdsKeepsAtMostTheBound() {
        run("r1", "RUNNING", null, null);
        for (int i = 0; i < EventCollector.MAX_STEPS + 40; i++) {
            step("r1", "s" + i, "RETRY_WAIT", null, null);
        }
        assertEquals(EventCollector.MAX_STEPS, registry.find("conflux.step.retries").counters().size());
        assertEquals(EventCollector.MAX_STEPS, collector.performance().figures(System.currentTimeMillis(), 60_000).get(0).steps().size());
        assertEquals(40.0, evictions("step"), 0);
        assertEquals("the workflow's own meters stay", 1.0,
                registry.get("conflux.runs.started").tag("workflow", "orders").counter().count(), 0);
    }

    @Test
    public void aFloodOfTopicsKeepsAtMostTheBound() {
        for (int i = 0; i < EventCollector.MAX_TOPICS + 5; i++) {
            collector.apply(new Event("conflux/other/t" + i, Map.of()));
        }
        assertEquals(EventCollector.MAX_TOPICS, registry.find("conflux.events").counters().size());
        assertEquals(5.0, evictions("topic"), 0);
    }

    private double evictions(String of) {
        return registry.get("conflux.analytics.evictions").tag("of", of).counter().count();
    }

    private void run(String runId, String state, String previous, Long duration) {
        run(runId, "orders", state, previous, duration);
    }

    private void run(String runId, String workflow, String state, String previous, Long duration) {
        Map<String, Object> p = new HashMap<>();
        p.put(EventProperties.RUN_ID, runId);
        p.put(EventProperties.WORKFLOW_ID, workflow);
        p.put(EventProperties.STATE, state);
        if (previous != null) {
            p.put(EventProperties.PREVIOUS_STATE, previous);
        }
        if (duration != null) {
            p.put(EventProperties.DURATION_MS, duration);
        }
        collector.apply(new Event(ConfluxTopics.runTopic(state), p));
    }

    private void step(String runId, String step, String state, Long duration, Integer item) {
        Map<String, Object> p = new HashMap<>();
        p.put(EventProperties.RUN_ID, runId);
        p.put(EventProperties.WORKFLOW_ID, "orders");
        p.put(EventProperties.STEP_ID, step);
        p.put(EventProperties.STEP_TYPE, "http");
        p.put(EventProperties.STATE, state);
        if (duration != null) {
            p.put(EventProperties.DURATION_MS, duration);
        }
        if (item != null) {
            p.put(EventProperties.ITEM_INDEX, item);
        }
        collector.apply(new Event(ConfluxTopics.stepTopic(state), p));
    }
}
