package dev.conflux.analytics.internal.query;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.conflux.analytics.internal.AnalyticsConfig;
import dev.conflux.analytics.internal.EventCollector;
import dev.conflux.analytics.internal.Forecasts;
import dev.conflux.analytics.internal.Metrics;
import dev.conflux.analytics.internal.Performance;
import dev.conflux.analytics.internal.SeriesRecorder;
import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.analytics.internal.insight.Correlation;
import dev.conflux.analytics.internal.insight.HoltWinters;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;

/**
 * What the analytics faces ask, answered once: the REST resources and the shell commands both call
 * this with parsed arguments (see {@link Params}) and only format the answer. Refusals are
 * {@link ProblemException}s that name the argument.
 */
@Component(service = AnalyticsQueries.class)
public class AnalyticsQueries {

    /** One metric: its series, each a label set with its current values (count, total, value, max...). */
    public record MetricInfo(String name, String type, String description, String unit, List<Series> series) {
    }

    public record Series(Map<String, String> labels, Map<String, Double> values) {
    }

    /** A stored series of a metric. */
    public record SeriesAnswer(String name, Instant from, Instant to, String step, int resolutionSeconds,
            List<SeriesStore.Series> series) {
    }

    /** A forecast: the model fitted to the history and the predicted points with their interval. */
    public record ForecastAnswer(String name, Map<String, String> labels, int resolutionSeconds, int historyPoints,
            Map<String, Object> model, List<ForecastPoint> points, Double limit, Instant crossesLimitAt) {
    }

    public record ForecastPoint(Instant at, double value, double lower, double upper) {
    }

    public record CorrelationAnswer(String name, Map<String, String> labels, String window, int resolutionSeconds,
            List<Correlated> correlations) {
    }

    /** Another series, its correlation with the metric and how many steps it leads by. */
    public record Correlated(String series, double r, int leadSteps, int leadSeconds) {
    }

    /** Workflow and step figures with throughput over the window, and the bottleneck steps. */
    public record PerformanceAnswer(String window, List<Performance.WorkflowFigures> workflows,
            List<Performance.StepFigures> bottlenecks) {
    }

    private final Metrics metrics;
    private final SeriesRecorder recorder;
    private final EventCollector collector;

    @Activate
    public AnalyticsQueries(@Reference Metrics metrics, @Reference SeriesRecorder recorder, @Reference EventCollector collector) {
        this.metrics = metrics;
        this.recorder = recorder;
        this.collector = collector;
    }

    /** Every metric whose name starts with the prefix (all for none), its labels and current values. */
    public List<MetricInfo> metrics(String prefix) {
        Map<String, List<Meter>> byName = new TreeMap<>();
        for (Meter meter : metrics.registry().getMeters()) {
            String name = meter.getId().getName();
            if (prefix == null || prefix.isBlank() || name.startsWith(prefix.trim())) {
                byName.computeIfAbsent(name, k -> new ArrayList<>()).add(meter);
            }
        }
        List<MetricInfo> all = new ArrayList<>();
        byName.forEach((name, meters) -> {
            Meter.Id first = meters.get(0).getId();
            List<Series> series = new ArrayList<>();
            meters.sort(Comparator.comparing(m -> m.getId().getTags().toString()));
            for (Meter meter : meters) {
                Map<String, String> labels = new LinkedHashMap<>();
                for (Tag tag : meter.getId().getTags()) {
                    labels.put(tag.getKey(), tag.getValue());
                }
                Map<String, Double> values = new LinkedHashMap<>();
                for (Measurement m : meter.measure()) {
                    double v = m.getValue();
                    values.put(m.getStatistic().name().toLowerCase(Locale.ROOT), Double.isFinite(v) ? v : null);
                }
                series.add(new Series(labels, values));
            }
            all.add(new MetricInfo(name, first.getType().name().toLowerCase(Locale.ROOT), first.getDescription(),
                    first.getBaseUnit(), series));
        });
        return all;
    }

    /**
     * A metric's stored series in [start, end) whose labels include the given ones, as points of
     * {@code step} (null: the range in about 120 points), read from the finest resolution that fits.
     */
    public SeriesAnswer series(String name, Instant start, Instant end, Duration step, Map<String, String> labels) {
        Duration range = Duration.between(start, end);
        AnalyticsConfig config = recorder.config();
        int sample = recorder.sampleSeconds();
        Duration width = step != null ? step : Duration.ofSeconds(Math.max(sample, range.getSeconds() / 120));
        if (range.dividedBy(width) > 10_000) {
            throw ProblemException.invalid("the range holds " + range.dividedBy(width) + " steps of " + width.getSeconds()
                    + " s; ask for at most 10,000 (a wider step or a shorter range)");
        }
        // the finest resolution that fits the step and still holds the start of the range
        Instant now = Instant.now();
        int resolution;
        if (width.getSeconds() < SeriesStore.MINUTE && !start.isBefore(now.minus(Duration.ofHours(config.keepSamplesHours())))) {
            resolution = sample;
        } else if (width.getSeconds() < SeriesStore.HOUR && !start.isBefore(now.minus(Duration.ofDays(config.keepMinutesDays())))) {
            resolution = SeriesStore.MINUTE;
        } else {
            resolution = SeriesStore.HOUR;
        }
        long stepSeconds = Math.max(width.getSeconds(), resolution);
        List<SeriesStore.Series> series = recorder.store().query(name, labels, start.toEpochMilli(), end.toEpochMilli(),
                resolution, stepSeconds);
        if (series.isEmpty() && !recorder.store().names().contains(name)) {
            throw ProblemException.notFound("no metric named '" + name + "' is stored; GET /api/v1/metrics lists "
                    + "the metrics (counters are stored under their name, timers as <name>.rate, .mean and .max)");
        }
        return new SeriesAnswer(name, start, end, stepSeconds + "s", resolution, series);
    }

    /** A forecast of the one series of {@code name} with the labels, and when it first reaches {@code limit} (if given). */
    public ForecastAnswer forecast(String name, Duration horizon, Duration history, Map<String, String> labels, Double limit) {
        Forecasts.Result result;
        try {
            result = Forecasts.forecast(recorder.store(), recorder.sampleSeconds(), name, labels, history, horizon);
        } catch (Forecasts.Unforecastable e) {
            throw new ProblemException(ProblemType.forStatus(e.status), e.getMessage());
        }
        HoltWinters.Fit fit = result.fit();
        HoltWinters.Forecast forecast = result.forecast();
        int resolution = result.resolutionSeconds();
        List<ForecastPoint> points = new ArrayList<>();
        Instant crosses = null;
        for (int i = 0; i < forecast.mean().length; i++) {
            Instant at = Instant.ofEpochMilli(result.lastAt() + (i + 1L) * resolution * 1000L);
            points.add(new ForecastPoint(at, forecast.mean()[i], forecast.lower()[i], forecast.upper()[i]));
            if (crosses == null && limit != null && forecast.mean()[i] >= limit) {
                crosses = at;
            }
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("method", fit.period() > 0 ? "holt-winters additive" : "holt linear");
        model.put("seasonPoints", fit.period());
        model.put("alpha", fit.alpha());
        model.put("beta", fit.beta());
        model.put("gamma", fit.gamma());
        model.put("oneStepErrorDeviation", fit.sigma());
        return new ForecastAnswer(name, result.labels(), resolution, result.historyPoints(), model, points, limit, crosses);
    }

    /** The other series ranked by correlation with the one series of {@code name} over the window. */
    public CorrelationAnswer correlations(String name, Duration window, Map<String, String> labels, int maxLag, int limit) {
        if (maxLag < 0 || maxLag > 100) {
            throw ProblemException.invalid("'maxLag' must be between 0 and 100, got " + maxLag);
        }
        int sample = recorder.sampleSeconds();
        int resolution = window.compareTo(Duration.ofHours(6)) <= 0 ? sample : SeriesStore.MINUTE;
        long now = System.currentTimeMillis();
        Map<String, double[]> all = recorder.store().aligned(now - window.toMillis(), now, resolution, resolution);
        String target = null;
        for (String key : all.keySet()) {
            String keyName = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            Map<String, String> keyLabels = key.contains("{") ? SeriesStore.decode(key.substring(key.indexOf('{') + 1, key.length() - 1))
                    : Map.of();
            if (keyName.equals(name) && keyLabels.entrySet().containsAll(labels.entrySet())) {
                if (target != null) {
                    throw ProblemException.invalid("'" + name + "' has several series in the window; choose one with labels");
                }
                target = key;
            }
        }
        if (target == null) {
            throw ProblemException.notFound("no stored series of '" + name + "' in the last "
                    + window.toString().substring(2).toLowerCase(Locale.ROOT));
        }
        double[] y = all.get(target);
        List<Correlated> ranked = new ArrayList<>();
        for (Map.Entry<String, double[]> other : all.entrySet()) {
            if (other.getKey().equals(target)) {
                continue;
            }
            Correlation.Lagged best = Correlation.best(y, other.getValue(), maxLag);
            if (!Double.isNaN(best.r())) {
                ranked.add(new Correlated(other.getKey(), best.r(), best.lag(), best.lag() * resolution));
            }
        }
        ranked.sort(Comparator.comparingDouble((Correlated c) -> -Math.abs(c.r())).thenComparing(Correlated::series));
        return new CorrelationAnswer(name, labels, window.toString(), resolution,
                ranked.subList(0, Math.min(Params.limit(limit, 200), ranked.size())));
    }

    /** Anomalies in [from, to), newest first, of one metric or of all ({@code metric} null or blank). */
    public List<SeriesStore.Anomaly> anomalies(Instant from, Instant to, String metric, int limit) {
        return recorder.store().anomalies(from.toEpochMilli(), to.toEpochMilli(),
                metric == null || metric.isBlank() ? null : metric.trim(), Params.limit(limit, 1000));
    }

    /** Every workflow seen (or only {@code workflow}) with throughput over the window, and the bottleneck steps. */
    public PerformanceAnswer performance(Duration window, String workflow, int bottlenecks) {
        if (bottlenecks < 0 || bottlenecks > 100) {
            throw ProblemException.invalid("'bottlenecks' must be between 0 and 100, got " + bottlenecks);
        }
        Performance performance = collector.performance();
        List<Performance.WorkflowFigures> figures = performance.figures(System.currentTimeMillis(), window.toMillis());
        boolean all = workflow == null || workflow.isBlank();
        if (!all) {
            figures = figures.stream().filter(f -> f.workflow().equals(workflow.trim())).toList();
            if (figures.isEmpty()) {
                throw ProblemException.notFound("no runs of a workflow '" + workflow.trim() + "' were seen");
            }
        }
        return new PerformanceAnswer(window.toString(), figures, all ? performance.bottlenecks(bottlenecks)
                : figures.get(0).steps().subList(0, Math.min(bottlenecks, figures.get(0).steps().size())));
    }
}
