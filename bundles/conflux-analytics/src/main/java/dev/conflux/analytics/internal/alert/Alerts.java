package dev.conflux.analytics.internal.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.analytics.internal.LruMap;
import dev.conflux.analytics.internal.Metrics;
import dev.conflux.analytics.internal.SeriesRecorder;
import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;

/**
 * Evaluates every alert rule at every sample. Per rule and series an alert goes from inactive to
 * {@code PENDING} when its condition holds, to {@code FIRING} once it has held for the rule's
 * duration, and to {@code RESOLVED} when it no longer holds; each change is published on
 * EventAdmin ({@code conflux/analytics/alert/<STATE>}) for notification connectors.
 */
@Component(service = Alerts.class, immediate = true)
public class Alerts {

    public static final String PENDING = "PENDING";
    public static final String FIRING = "FIRING";
    public static final String RESOLVED = "RESOLVED";
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private static final int RECENT = 100;

    /** One alert: a rule's condition over one series. */
    public record Alert(String rule, String metric, Map<String, String> seriesLabels, Map<String, String> labels,
            String severity, String state, Instant since, Instant firedAt, Instant resolvedAt, double value, String description) {
    }

    /** The highest value a series is forecast to reach within a horizon, if it can be forecast. */
    @FunctionalInterface
    public interface Forecaster {
        OptionalDouble peak(String metric, Map<String, String> labels, Duration horizon);
    }

    private static final long FORECAST_EVERY_MILLIS = 60_000;
    /** Rule and series pairs whose last value and forecast are kept at most; the least recently sampled beyond go. */
    static final int MAX_SERIES = 20_000;

    private final SeriesRecorder recorder;
    private final EventAdmin events;
    private final Forecaster forecaster;
    /** Per rule and series: when it was last forecast and whether the forecast crossed. */
    private final Map<String, long[]> forecasts;
    private final Map<String, AlertRule.Definition> rules = new ConcurrentHashMap<>();
    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final Deque<Alert> resolved = new ArrayDeque<>();
    private final Map<String, double[]> previous;
    private final SeriesRecorder.Listener listener = new SeriesRecorder.Listener() {
        @Override
        public void sampled(long at, List<SeriesStore.Sample> samples, List<SeriesStore.Anomaly> anomalies) {
            evaluate(at, samples, anomalies);
        }

        @Override
        public void forgotten(String workflow) {
            forget(workflow);
        }
    };

    @Activate
    public Alerts(@Reference SeriesRecorder recorder, @Reference Metrics metrics, @Reference EventAdmin events) {
        this(recorder, events, recorder::peak, Metrics.evictions(metrics.registry(), "alert-series")::increment);
        recorder.listen(listener);
    }

    /** Not attached to a recorder: tests call {@link #evaluate}. */
    Alerts(EventAdmin events, Forecaster forecaster) {
        this(null, events, forecaster, () -> { });
    }

    private Alerts(SeriesRecorder recorder, EventAdmin events, Forecaster forecaster, Runnable evicted) {
        this.recorder = recorder;
        this.events = events;
        this.forecaster = forecaster;
        this.previous = new LruMap<>(MAX_SERIES, (key, value) -> evicted.run());
        this.forecasts = new LruMap<>(MAX_SERIES, (key, value) -> evicted.run());
    }

    /** Drops the last values and forecasts of a workflow's series (labelled {@code workflow=<id>}); its alerts resolve when its series stop. */
    synchronized void forget(String workflow) {
        previous.keySet().removeIf(key -> ofWorkflow(key, workflow));
        forecasts.keySet().removeIf(key -> ofWorkflow(key, workflow));
    }

    /** Whether a rule-and-series key ({@code rule \0 metric \0 labels}) is of a series of the workflow. */
    private static boolean ofWorkflow(String key, String workflow) {
        return workflow.equals(SeriesStore.decode(key.substring(key.lastIndexOf('\u0000') + 1)).get("workflow"));
    }

    /** Rule and series pairs whose last value is kept now. */
    synchronized int tracked() {
        return previous.size();
    }

    @Deactivate
    void deactivate() {
        if (recorder != null) {
            recorder.unlisten(listener);
        }
    }

    void addRule(AlertRule.Definition definition) {
        rules.put(definition.name(), definition);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRule(AlertRule rule) {
        AlertRule.Definition d = rule.definition();
        if (d == null) {
            return;
        }
        AlertRule.Definition clash = rules.putIfAbsent(d.name(), d);
        if (clash != null && clash != d) {
            LOG.warn("Two alert rules are named '{}'; the second is ignored", d.name());
        }
    }

    void removeRule(AlertRule rule) {
        if (rules.remove(rule.definition().name(), rule.definition())) {
            synchronized (this) {
                String prefix = rule.definition().name() + '\u0000';
                // a firing alert whose rule goes (deleted or edited) is resolved, so nobody waits for it forever
                for (String key : new ArrayList<>(active.keySet())) {
                    if (key.startsWith(prefix)) {
                        Alert a = active.remove(key);
                        if (a.state().equals(FIRING)) {
                            resolve(a, Instant.now());
                        }
                    }
                }
                previous.keySet().removeIf(key -> key.startsWith(prefix));
                forecasts.keySet().removeIf(key -> key.startsWith(prefix));
            }
        }
    }

    /** The rules, and the alerts that are pending or firing, then the latest resolved ones. */
    public synchronized Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("rules", rules.values().stream().sorted(java.util.Comparator.comparing(AlertRule.Definition::name)).toList());
        view.put("active", new ArrayList<>(active.values()));
        view.put("resolved", new ArrayList<>(resolved));
        return view;
    }

    synchronized void evaluate(long at, List<SeriesStore.Sample> samples, List<SeriesStore.Anomaly> anomalies) {
        Set<String> anomalous = new HashSet<>();
        for (SeriesStore.Anomaly a : anomalies) {
            anomalous.add(a.name() + '\u0000' + SeriesStore.encode(a.labels()));
        }
        Set<String> seen = new HashSet<>();
        for (AlertRule.Definition rule : rules.values()) {
            for (SeriesStore.Sample sample : samples) {
                if (!sample.name().equals(rule.metric()) || !sample.labels().entrySet().containsAll(rule.labels().entrySet())) {
                    continue;
                }
                String series = sample.name() + '\u0000' + SeriesStore.encode(sample.labels());
                String key = rule.name() + '\u0000' + series;
                seen.add(key);
                boolean holds = switch (rule.condition()) {
                    case "above" -> sample.value() > rule.threshold();
                    case "below" -> sample.value() < rule.threshold();
                    case "change-above" -> {
                        double[] before = previous.get(key);
                        yield before != null && at > before[1] && (sample.value() - before[0]) * 1000 / (at - before[1]) > rule.threshold();
                    }
                    case "forecast-above" -> forecastCrosses(key, rule, sample, at);
                    default -> anomalous.contains(series);
                };
                previous.put(key, new double[] {sample.value(), at});
                step(key, rule, sample, holds, Instant.ofEpochMilli(at));
            }
        }
        // a series that is no longer sampled (a meter removed) resolves its alert
        for (String key : new ArrayList<>(active.keySet())) {
            if (!seen.contains(key)) {
                Alert a = active.get(key);
                AlertRule.Definition rule = rules.get(a.rule());
                if (rule != null) {
                    step(key, rule, new SeriesStore.Sample(a.metric(), a.seriesLabels(), a.value()), false, Instant.ofEpochMilli(at));
                }
            }
        }
    }

    /** Forecasts at most once a minute per rule and series (a fit costs milliseconds); in between the last answer holds. */
    private boolean forecastCrosses(String key, AlertRule.Definition rule, SeriesStore.Sample sample, long at) {
        long[] last = forecasts.get(key);
        if (last != null && at - last[0] < FORECAST_EVERY_MILLIS) {
            return last[1] == 1;
        }
        OptionalDouble peak;
        try {
            peak = forecaster.peak(sample.name(), sample.labels(), rule.horizon());
        } catch (RuntimeException e) {
            LOG.debug("Alert rule {}: no forecast of {}", rule.name(), sample.name(), e);
            peak = OptionalDouble.empty();
        }
        boolean crosses = sample.value() >= rule.threshold() || (peak.isPresent() && peak.getAsDouble() >= rule.threshold());
        forecasts.put(key, new long[] {at, crosses ? 1 : 0});
        return crosses;
    }

    private void step(String key, AlertRule.Definition rule, SeriesStore.Sample sample, boolean holds, Instant now) {
        Alert current = active.get(key);
        if (holds) {
            if (current == null) {
                current = new Alert(rule.name(), rule.metric(), sample.labels(), rule.alertLabels(), rule.severity(), PENDING, now,
                        null, null, sample.value(), rule.description());
                active.put(key, current);
                publish(current);
            }
            if (current.state().equals(PENDING) && !now.isBefore(current.since().plus(rule.holdFor()))) {
                current = new Alert(current.rule(), current.metric(), current.seriesLabels(), current.labels(), current.severity(),
                        FIRING, current.since(), now, null, sample.value(), current.description());
                active.put(key, current);
                publish(current);
            } else {
                active.put(key, withValue(current, sample.value()));
            }
        } else if (current != null) {
            active.remove(key);
            if (current.state().equals(FIRING)) {
                resolve(withValue(current, sample.value()), now);
            }
        }
    }

    private void resolve(Alert current, Instant now) {
        Alert done = new Alert(current.rule(), current.metric(), current.seriesLabels(), current.labels(), current.severity(),
                RESOLVED, current.since(), current.firedAt(), now, current.value(), current.description());
        resolved.addFirst(done);
        while (resolved.size() > RECENT) {
            resolved.removeLast();
        }
        publish(done);
    }

    private static Alert withValue(Alert a, double value) {
        return new Alert(a.rule(), a.metric(), a.seriesLabels(), a.labels(), a.severity(), a.state(), a.since(), a.firedAt(),
                a.resolvedAt(), value, a.description());
    }

    private void publish(Alert alert) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("alert.rule", alert.rule());
        properties.put("alert.severity", alert.severity());
        properties.put("alert.labels", SeriesStore.encode(alert.labels()));
        properties.put("alert.description", alert.description());
        properties.put("metric", alert.metric());
        properties.put("labels", SeriesStore.encode(alert.seriesLabels()));
        properties.put("value", alert.value());
        properties.put(EventProperties.STATE, alert.state());
        properties.put(EventProperties.TIMESTAMP, System.currentTimeMillis());
        events.postEvent(new Event(ConfluxTopics.ALERT + alert.state(), properties));
        LOG.info("Alert {} {} for {}{} (value {})", alert.rule(), alert.state(), alert.metric(), alert.seriesLabels(), alert.value());
    }
}
