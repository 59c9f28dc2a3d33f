package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Analytics on the running platform: what the engine does shows up in /metrics, the metrics API, performance and logs. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AnalyticsIT extends ConfluxTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Before
    public void up() throws Exception {
        // a sample a second, so stored series fill quickly
        Configuration analytics = configurationAdmin.getConfiguration("dev.conflux.analytics", null);
        if (analytics.getProperties() == null || !Integer.valueOf(1).equals(analytics.getProperties().get("sampleSeconds"))) {
            analytics.update(new Hashtable<>(Map.of("sampleSeconds", 1)));
        }
        awaitHealthUp();
        awaitHttp("/api/v1/performance", r -> r.statusCode() == 200, Duration.ofSeconds(30));
    }

    @Test
    public void runsShowUpInPrometheusMetricsAndPerformance() throws Exception {
        HttpResponse<String> deployed = post("/api/v1/workflows", "application/yaml", """
                id: metered
                steps:
                  - {id: shape, type: transform, with: {n: 1}}
                  - {id: wait, type: delay, needs: [shape], with: {duration: 50ms}}
                """);
        assertTrue(deployed.body(), deployed.statusCode() == 201 || deployed.statusCode() == 200);
        for (int i = 0; i < 3; i++) {
            assertEquals(202, post("/api/v1/workflows/metered/runs", "application/json", "{}").statusCode());
        }

        HttpResponse<String> scraped = awaitHttp("/metrics",
                r -> r.body().contains("conflux_runs_succeeded_total{workflow=\"metered\"} 3"), Duration.ofSeconds(20));
        assertTrue(scraped.headers().firstValue("Content-Type").orElse(""), scraped.headers().firstValue("Content-Type")
                .orElse("").startsWith("text/plain; version=0.0.4"));
        String text = scraped.body();
        assertTrue(text.contains("conflux_runs_started_total{workflow=\"metered\"} 3"));
        assertTrue("step durations are histograms",
                text.contains("conflux_step_duration_seconds_bucket{step=\"wait\",type=\"delay\",workflow=\"metered\","));
        assertTrue("JVM metrics", text.contains("conflux_jvm_memory_used_bytes{"));
        assertTrue("REST routes by template", text.contains(
                "conflux_http_server_requests_seconds_count{method=\"POST\",route=\"/workflows/{id}/runs\",status=\"202\"} 3"));

        HttpResponse<String> open = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(open.body().strip().endsWith("# EOF"));
        assertEquals("Prometheus needs credentials too", 401, get("/metrics", "Authorization", NO_CREDENTIALS).statusCode());

        JsonNode performance = JSON.readTree(get("/api/v1/performance?workflow=metered").body());
        JsonNode metered = performance.path("workflows").get(0);
        assertEquals(3, metered.path("started").asInt());
        assertEquals(3, metered.path("succeeded").asInt());
        assertEquals(0.0, metered.path("errorRate").asDouble(), 0);
        assertTrue(metered.toString(), metered.path("duration").path("p50").asDouble() >= 50);
        assertTrue(metered.toString(), metered.path("throughputPerMinute").asDouble() > 0);
        assertEquals("the delay step takes most of the time", "wait", performance.path("bottlenecks").get(0).path("step").asText());
        assertEquals(400, get("/api/v1/performance?window=forever").statusCode());
        assertEquals(404, get("/api/v1/performance?workflow=never-ran").statusCode());

        JsonNode metrics = JSON.readTree(get("/api/v1/metrics?prefix=conflux.runs.started").body());
        JsonNode started = metrics.get(0);
        assertEquals("conflux.runs.started", started.path("name").asText());
        assertEquals("counter", started.path("type").asText());
        boolean found = false;
        for (JsonNode series : started.path("series")) {
            if (series.path("labels").path("workflow").asText().equals("metered")) {
                assertEquals(3.0, series.path("values").path("count").asDouble(), 0);
                found = true;
            }
        }
        assertTrue(started.toString(), found);

        // the same counter as a stored series: runs started per second
        JsonNode stored = JSON.readTree(awaitHttp("/api/v1/metrics/conflux.runs.started?labels=workflow=metered&step=1s",
                r -> total(r.body()) > 2.5, Duration.ofSeconds(20)).body());
        assertEquals(1, stored.path("series").size());
        assertEquals("metered", stored.path("series").get(0).path("labels").path("workflow").asText());
        assertEquals("the rates add up to the 3 runs", 3.0, total(stored.toString()), 0.01);
        JsonNode heap = JSON.readTree(awaitHttp("/api/v1/metrics/conflux.jvm.memory.used?labels=area=heap",
                r -> r.body().contains("\"value\":"), Duration.ofSeconds(10)).body());
        assertTrue(heap.toString(), heap.path("series").get(0).path("points").get(0).path("value").asDouble() > 1e6);
        assertEquals(404, get("/api/v1/metrics/conflux.no.such.metric").statusCode());
        assertEquals(400, get("/api/v1/metrics/conflux.runs.started?labels=workflow").statusCode());
        assertEquals(400, get("/api/v1/metrics/conflux.runs.started?from=2026-01-01T00:00:00Z&step=1s").statusCode());
    }

    /** The sum of a one-second series' points: rates per second times one second. */
    private static double total(String answer) {
        try {
            double total = 0;
            for (JsonNode series : JSON.readTree(answer).path("series")) {
                for (JsonNode point : series.path("points")) {
                    total += point.path("value").asDouble();
                }
            }
            return total;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Test
    public void logsAreQueryableByLevelAndText() throws Exception {
        shell("log:log conflux-analytics-marker-7"); // logged at INFO
        HttpResponse<String> found = awaitHttp("/api/v1/logs?level=INFO&q=ANALYTICS-MARKER-7",
                r -> r.body().contains("conflux-analytics-marker-7"), Duration.ofSeconds(10));
        JsonNode record = JSON.readTree(found.body()).get(0);
        assertEquals("INFO", record.path("level").asText());
        assertTrue(record.toString(), record.path("logger").asText().length() > 0);
        assertEquals("WARN and worse only", 0, JSON.readTree(get("/api/v1/logs?level=WARN&q=analytics-marker-7").body()).size());
        assertEquals(0, JSON.readTree(get("/api/v1/logs?q=analytics-marker-7&to=2000-01-01T00:00:00Z").body()).size());
        HttpResponse<String> bad = get("/api/v1/logs?level=LOUD");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body(), bad.body().contains("level must be one of"));
        assertEquals(400, get("/api/v1/logs?from=yesterday").statusCode());
    }
}
