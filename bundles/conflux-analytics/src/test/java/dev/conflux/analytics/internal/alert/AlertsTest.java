package dev.conflux.analytics.internal.alert;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.conflux.analytics.internal.SeriesStore;

public class AlertsTest {

    private final List<Event> published = new ArrayList<>();
    private final java.util.Map<String, Double> peaks = new java.util.HashMap<>();
    private final Alerts alerts = new Alerts(new EventAdmin() {
        @Override
        public void postEvent(Event event) {
            published.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            published.add(event);
        }
    }, (metric, labels, horizon) -> peaks.containsKey(metric + horizon)
            ? java.util.OptionalDouble.of(peaks.get(metric + horizon)) : java.util.OptionalDouble.empty());

    @Test
    public void anAlertIsPendingThenFiresAfterItsDurationThenResolves() {
        alerts.addRule(AlertRule.parse("failing", "conflux.runs.failed", "workflow=orders", "above", 0.5, "20s", "critical",
                "team=ops", "Orders fail"));
        sample(0, 0.0);
        sample(10_000, 2.0);
        sample(20_000, 3.0);
        sample(30_000, 3.0);
        sample(40_000, 0.0);
        assertEquals(List.of("conflux/analytics/alert/PENDING", "conflux/analytics/alert/FIRING", "conflux/analytics/alert/RESOLVED"),
                published.stream().map(Event::getTopic).toList());
        Event fired = published.get(1);
        assertEquals("critical", fired.getProperty("alert.severity"));
        assertEquals("team=ops", fired.getProperty("alert.labels"));
        assertEquals("workflow=orders", fired.getProperty("labels"));
        List<?> resolved = (List<?>) alerts.view().get("resolved");
        assertEquals(1, resolved.size());
        assertTrue(((List<?>) alerts.view().get("active")).isEmpty());
    }

    @Test
    public void anUndeployedWorkflowsSeriesAreForgottenAndTheTrackedSeriesAreBounded() {
        alerts.addRule(AlertRule.parse("climbing", "conflux.runs.started", "", "change-above", 1.0, "0s", "warning", "", ""));
        alerts.evaluate(0, List.of(new SeriesStore.Sample("conflux.runs.started", Map.of("workflow", "orders"), 1.0),
                new SeriesStore.Sample("conflux.runs.started", Map.of("workflow", "billing"), 1.0)), List.of());
        assertEquals(2, alerts.tracked());
        alerts.forget("orders");
        assertEquals(1, alerts.tracked());

        List<SeriesStore.Sample> flood = new ArrayList<>();
        for (int i = 0; i < Alerts.MAX_SERIES + 10; i++) {
            flood.add(new SeriesStore.Sample("conflux.runs.started", Map.of("workflow", "w" + i), 1.0));
        }
        alerts.evaluate(10_000, flood, List.of());
        assertEquals(Alerts.MAX_SERIES, alerts.tracked());
    }

    @Test
    public void aConditionThatClearsBeforeItsDurationNeverFires() {
        alerts.addRule(AlertRule.parse("slow", "conflux.step.duration.mean", "", "above", 1.0, "1m", "warning", "", ""));
        sample(0, "conflux.step.duration.mean", 5.0);
        sample(30_000, "conflux.step.duration.mean", 0.1);
        assertEquals(List.of("conflux/analytics/alert/PENDING"), published.stream().map(Event::getTopic).toList());
        assertTrue(((List<?>) alerts.view().get("active")).isEmpty());
    }

    @Test
    public void changeAboveAndAnomalyConditions() {
        alerts.addRule(AlertRule.parse("heap-climbs", "conflux.jvm.memory.used", "", "change-above", 100, "0s", "info", "", ""));
        alerts.addRule(AlertRule.parse("odd", "conflux.runs.failed", "", "anomaly", 0, "0s", "warning", "", ""));
        sample(0, "conflux.jvm.memory.used", 1000);
        sample(10_000, "conflux.jvm.memory.used", 1500); // 50 per second
        sample(20_000, "conflux.jvm.memory.used", 5000); // 350 per second
        alerts.evaluate(30_000, List.of(new SeriesStore.Sample("conflux.runs.failed", Map.of(), 9)),
                List.of(new SeriesStore.Anomaly(30_000, "conflux.runs.failed", Map.of(), 9, 0, 12)));
        List<String> rules = published.stream().filter(e -> e.getTopic().endsWith("FIRING"))
                .map(e -> (String) e.getProperty("alert.rule")).toList();
        assertEquals(List.of("heap-climbs", "odd"), rules);
    }

    @Test
    public void aForecastThatReachesTheLimitWithinTheHorizonIsACapacityWarning() {
        alerts.addRule(AlertRule.parse("disk", "conflux.disk.free", "", "forecast-above", 900, "0s", "warning", "", "", "6h"));
        peaks.put("conflux.disk.free" + java.time.Duration.ofHours(6), 800.0);
        sample(0, "conflux.disk.free", 500);
        assertTrue(published.isEmpty());
        peaks.put("conflux.disk.free" + java.time.Duration.ofHours(6), 950.0);
        sample(30_000, "conflux.disk.free", 510);
        assertTrue("forecasts are made at most once a minute", published.isEmpty());
        sample(70_000, "conflux.disk.free", 520);
        assertEquals(List.of("conflux/analytics/alert/PENDING", "conflux/analytics/alert/FIRING"),
                published.stream().map(Event::getTopic).toList());
    }

    @Test
    public void badRulesAreRefusedWithTheSettingNamed() {
        assertRefused("'horizon' must be", () -> AlertRule.parse("x", "m", "", "forecast-above", 0, "1m", "info", "", "", "later"));
        assertRefused("'condition' must be", () -> AlertRule.parse("x", "m", "", "sideways", 0, "1m", "info", "", ""));
        assertRefused("'for' must be a duration", () -> AlertRule.parse("x", "m", "", "above", 0, "soon", "info", "", ""));
        assertRefused("'name' must match", () -> AlertRule.parse("Bad Name", "m", "", "above", 0, "1m", "info", "", ""));
        assertRefused("'labels' must be key=value", () -> AlertRule.parse("x", "m", "workflow", "above", 0, "1m", "info", "", ""));
        assertRefused("'severity' must be", () -> AlertRule.parse("x", "m", "", "above", 0, "1m", "panic", "", ""));
    }

    private static void assertRefused(String message, Runnable parse) {
        try {
            parse.run();
            throw new AssertionError("accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }

    private void sample(long at, double value) {
        alerts.evaluate(at, List.of(new SeriesStore.Sample("conflux.runs.failed", Map.of("workflow", "orders"), value)), List.of());
    }

    private void sample(long at, String metric, double value) {
        alerts.evaluate(at, List.of(new SeriesStore.Sample(metric, Map.of(), value)), List.of());
    }
}
