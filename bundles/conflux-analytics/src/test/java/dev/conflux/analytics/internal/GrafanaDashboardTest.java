package dev.conflux.analytics.internal;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.osgi.service.event.Event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.analytics.internal.rest.HttpMetricsFilter;
import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Grafana dashboard under config/grafana only queries metrics that Conflux exposes. */
public class GrafanaDashboardTest {

    private static final Pattern METRIC = Pattern.compile("\\bconflux_[a-z0-9_]+");

    @Test
    public void everyMetricTheDashboardQueriesIsExposed() throws Exception {
        PrometheusMeterRegistry registry = Metrics.create();
        Metrics.bindJvmAndSystem(registry, new File("."));
        EventCollector collector = new EventCollector(registry);
        for (String state : new String[] {"RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) {
            collector.apply(new Event(ConfluxTopics.runTopic(state), Map.of(EventProperties.RUN_ID, "r-" + state,
                    EventProperties.WORKFLOW_ID, "wf", EventProperties.STATE, state, EventProperties.DURATION_MS, 5L)));
        }
        for (String state : new String[] {"RUNNING", "RETRY_WAIT", "SUCCEEDED"}) {
            collector.apply(new Event(ConfluxTopics.stepTopic(state), Map.of(EventProperties.RUN_ID, "r", EventProperties.WORKFLOW_ID,
                    "wf", EventProperties.STEP_ID, "s", EventProperties.STEP_TYPE, "log", EventProperties.STATE, state,
                    EventProperties.DURATION_MS, 5L)));
        }
        collector.apply(new Event(SeriesRecorder.ANOMALY_TOPIC, Map.of()));
        HttpMetricsFilter.timer(registry, "GET", "/runs", "200").record(java.time.Duration.ofMillis(3));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (registry.find("conflux.jvm.gc.pause").timer() == null && System.nanoTime() < deadline) {
            System.gc(); // GC pause timers appear with the first collection
            Thread.sleep(100);
        }
        String exposed = registry.scrape();

        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Path.of("../../config/grafana/conflux.json")));
        Set<String> missing = new TreeSet<>();
        Set<String> queried = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) {
                queried.add(m.group());
                if (!Pattern.compile("(?m)^" + Pattern.quote(m.group()) + "[{ ]").matcher(exposed).find()) {
                    missing.add(m.group());
                }
            }
        }
        assertTrue("the dashboard queries metrics", queried.size() > 15);
        assertTrue("queried but not exposed: " + missing, missing.isEmpty());
    }
}
