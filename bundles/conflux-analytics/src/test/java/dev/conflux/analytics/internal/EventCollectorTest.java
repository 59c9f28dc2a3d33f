package dev.conflux.analytics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
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

    private void run(String runId, String state, String previous, Long duration) {
        Map<String, Object> p = new HashMap<>();
        p.put(EventProperties.RUN_ID, runId);
        p.put(EventProperties.WORKFLOW_ID, "orders");
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
