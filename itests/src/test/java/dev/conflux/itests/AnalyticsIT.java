package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

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
            analytics.update(new Hashtable<>(Map.of("sampleSeconds", 1, "anomalyWarmUpSamples", 5)));
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
                "conflux_http_server_requests_seconds_count{method=\"POST\",route=\"/workflows/{id}/runs\",status=\"202\"} "));

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

    @Test
    public void aRealPrometheusScrapesConfluxWithAnApiKey() throws Exception {
        Path binary = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "prometheus")).filter(Files::isExecutable).findFirst().orElse(null);
        Assume.assumeTrue("prometheus is not installed (.ci/run installs it)", binary != null);
        deploy("id: scraped\nsteps:\n  - {id: only, type: transform, with: {n: 1}}\n");
        assertEquals(202, post("/api/v1/workflows/scraped/runs", "application/json", "{}").statusCode());

        HttpResponse<String> created = post("/api/v1/apikeys", "application/json", "{\"name\":\"prometheus\",\"roles\":[\"viewer\"]}");
        assertEquals(created.body(), 201, created.statusCode());
        String key = JSON.readTree(created.body()).path("key").asText();
        URI conflux = URI.create(baseUrl());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path home = Files.createTempDirectory("prometheus");
        Files.writeString(home.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                + "scrape_configs:\n  - job_name: conflux\n    authorization:\n      type: Bearer\n      credentials: " + key + "\n"
                + "    static_configs:\n      - targets: ['" + conflux.getHost() + ":" + conflux.getPort() + "']\n");
        Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + home.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + home.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(home.resolve("prometheus.log").toFile()).start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            String query = "http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode("conflux_runs_succeeded_total{workflow=\"scraped\"}", StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String answer = "";
            while (System.nanoTime() < deadline && !answer.contains("\"workflow\":\"scraped\"")) {
                sleep(500);
                try {
                    answer = client.send(HttpRequest.newBuilder(URI.create(query)).build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notUpYet) {
                    answer = notUpYet.toString();
                }
            }
            JsonNode result = JSON.readTree(answer).path("data").path("result");
            assertEquals(answer, 1, result.size());
            assertEquals("1", result.get(0).path("value").get(1).asText());
            String targets = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/targets")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(targets, targets.contains("\"health\":\"up\""));
        } finally {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void aBurstOfRunsIsAnAnomalyThatCorrelatesWithItsSuccessesAndUptimeIsForecast() throws Exception {
        deploy("id: bursty\nsteps:\n  - {id: only, type: transform, with: {n: 1}}\n");
        assertEquals(202, post("/api/v1/workflows/bursty/runs", "application/json", "{}").statusCode());
        sleep(9_000); // a quiet baseline: the detector learns from 1-second samples
        for (int i = 0; i < 40; i++) {
            assertEquals(202, post("/api/v1/workflows/bursty/runs", "application/json", "{}").statusCode());
        }
        JsonNode anomalies = JSON.readTree(awaitHttp("/api/v1/anomalies?metric=conflux.runs.started",
                r -> r.body().contains("\"workflow\":\"bursty\""), Duration.ofSeconds(15)).body());
        JsonNode burst = anomalies.get(0);
        assertTrue(burst.toString(), burst.path("value").asDouble() > burst.path("expected").asDouble());
        assertTrue(burst.toString(), burst.path("zScore").asDouble() > 4);
        assertEquals(400, get("/api/v1/anomalies?from=now").statusCode());

        sleep(3_000);
        JsonNode correlated = JSON.readTree(get("/api/v1/metrics/conflux.runs.started/correlations?labels=workflow=bursty&window=5m&maxLag=3").body());
        boolean successes = false;
        for (JsonNode c : correlated.path("correlations")) {
            if (c.path("series").asText().equals("conflux.runs.succeeded{workflow=bursty}")) {
                assertTrue(c.toString(), c.path("r").asDouble() > 0.5);
                successes = true;
            }
        }
        assertTrue(correlated.toString(), successes);

        JsonNode uptime = JSON.readTree(get("/api/v1/metrics/conflux.process.uptime?step=1s").body());
        JsonNode known = uptime.path("series").get(0).path("points");
        double last = known.get(known.size() - 1).path("value").asDouble();
        JsonNode forecast = JSON.readTree(get("/api/v1/metrics/conflux.process.uptime/forecast?horizon=1m&limit=" + (last + 30)).body());
        JsonNode points = forecast.path("points");
        assertEquals(forecast.toString(), 60, points.size());
        double end = points.get(59).path("value").asDouble();
        assertTrue("uptime a minute on: " + end + " after " + last, end > last + 50 && end < last + 70);
        assertTrue(forecast.toString(), points.get(59).path("lower").asDouble() <= end && end <= points.get(59).path("upper").asDouble());
        assertTrue("a capacity warning: " + forecast, !forecast.path("crossesLimitAt").isNull());
        assertEquals(400, get("/api/v1/metrics/conflux.jvm.memory.used/forecast").statusCode()); // several series
        assertEquals(404, get("/api/v1/metrics/conflux.nothing/forecast").statusCode());
    }

    @Test
    public void anAlertRuleFiresAndResolvesAndEachChangeIsPublished() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Hashtable<String, Object> handler = new Hashtable<>();
        handler.put(EventConstants.EVENT_TOPIC, "conflux/analytics/alert/*");
        ServiceRegistration<EventHandler> registration = bundleContext.registerService(EventHandler.class,
                event -> seen.add(event.getProperty("alert.rule") + " " + event.getTopic().substring(event.getTopic().lastIndexOf('/') + 1)),
                handler);
        Configuration rule = configurationAdmin.createFactoryConfiguration("dev.conflux.analytics.alert", "?");
        try {
            rule.update(new Hashtable<>(Map.of("name", "runs-burst", "metric", "conflux.runs.started",
                    "labels", "workflow=alerting", "condition", "above", "threshold", 3.0, "for", "1s", "severity", "critical",
                    "description", "More than 3 runs a second")));
            awaitHttp("/api/v1/alerts", r -> r.body().contains("\"runs-burst\""), Duration.ofSeconds(10));
            deploy("id: alerting\nsteps:\n  - {id: only, type: transform, with: {n: 1}}\n");
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) { // 3 s of runs, well above 3 a second
                assertEquals(202, post("/api/v1/workflows/alerting/runs", "application/json", "{}").statusCode());
            }
            JsonNode alerts = JSON.readTree(awaitHttp("/api/v1/alerts", r -> r.body().contains("\"state\":\"RESOLVED\""),
                    Duration.ofSeconds(15)).body());
            JsonNode done = alerts.path("resolved").get(0);
            assertEquals("runs-burst", done.path("rule").asText());
            assertEquals("critical", done.path("severity").asText());
            assertEquals("alerting", done.path("seriesLabels").path("workflow").asText());
            assertTrue(done.toString(), !done.path("firedAt").isNull());
            // PENDING, FIRING, RESOLVED in that order (a slow second may add a PENDING that came to nothing before)
            List<String> order = List.copyOf(seen);
            int fired = order.indexOf("runs-burst FIRING");
            assertTrue(order.toString(), fired > 0 && order.get(fired - 1).equals("runs-burst PENDING")
                    && order.indexOf("runs-burst RESOLVED") > fired);
        } finally {
            rule.delete();
            registration.unregister();
        }
        awaitHttp("/api/v1/alerts", r -> !r.body().contains("\"name\":\"runs-burst\""), Duration.ofSeconds(10));
    }

    @Test
    public void theShellCommandsShowMetricsChartsForecastsAndAlerts() throws Exception {
        awaitHttp("/api/v1/metrics/conflux.process.uptime?step=1s",
                r -> r.body().split("\"at\"").length > 12, Duration.ofSeconds(20));
        String metrics = shell("analytics:metrics conflux.process");
        assertTrue(metrics, metrics.contains("conflux.process.uptime"));
        String top = shell("analytics:top");
        assertTrue(top, top.contains("Busiest workflows") && top.contains("Slowest steps"));
        String show = shell("analytics:show --since 5m conflux.process.uptime");
        assertTrue(show, show.contains("conflux.process.uptime over the last 5m") && show.contains("last "));
        assertTrue("a chart of block characters: " + show, show.chars().anyMatch(c -> c >= 0x2581 && c <= 0x2588));
        String forecast = shell("analytics:forecast -h 1m --limit 1000000000 conflux.process.uptime");
        assertTrue(forecast, forecast.contains("Forecast") && forecast.contains("Not forecast to reach"));
        try {
            shell("analytics:forecast conflux.nothing");
            throw new AssertionError("a forecast of nothing succeeded");
        } catch (IllegalStateException refused) { // Karaf prints the command's error: "Error executing command: ..."
            assertTrue(refused.getMessage(), refused.getMessage().contains("no stored series"));
        }
        String correlate = shell("analytics:correlate -w 5m conflux.process.uptime");
        assertTrue(correlate, correlate.contains("Leads by"));
        assertTrue(shell("analytics:anomalies").contains("Expected"));
        assertTrue(shell("analytics:alerts").contains("Severity"));
    }

    private void deploy(String yaml) {
        HttpResponse<String> response = post("/api/v1/workflows", "application/yaml", yaml);
        assertTrue(response.body(), response.statusCode() == 201 || response.statusCode() == 200);
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
