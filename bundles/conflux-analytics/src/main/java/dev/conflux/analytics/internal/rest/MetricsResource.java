package dev.conflux.analytics.internal.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.analytics.internal.AnalyticsConfig;
import dev.conflux.analytics.internal.Forecasts;
import dev.conflux.analytics.internal.Metrics;
import dev.conflux.analytics.internal.SeriesRecorder;
import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.analytics.internal.insight.Correlation;
import dev.conflux.analytics.internal.insight.HoltWinters;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;

/**
 * {@code /api/v1/metrics}: every metric with its labels and current values (the plan's "system
 * metrics"), and {@code /api/v1/metrics/{name}}: a metric's stored series over a time range.
 */
@Component(service = MetricsResource.class)
@JaxrsResource
@JaxrsName("conflux.metrics")
@JSONRequired
@Path("metrics")
@io.swagger.v3.oas.annotations.tags.Tag(name = "analytics")
public class MetricsResource {

    /** One metric: its series, each a label set with its current values (count, total, value, max...). */
    public record MetricInfo(String name, String type, String description, String unit, List<Series> series) {
    }

    public record Series(Map<String, String> labels, Map<String, Double> values) {
    }

    /** A stored series of a metric, as the API answers it. */
    public record SeriesAnswer(String name, Instant from, Instant to, String step, int resolutionSeconds,
            List<SeriesStore.Series> series) {
    }

    private final Metrics metrics;
    private final SeriesRecorder recorder;

    @Activate
    public MetricsResource(@Reference Metrics metrics, @Reference SeriesRecorder recorder) {
        this.metrics = metrics;
        this.recorder = recorder;
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getMetricSeries", summary = "A metric's stored series over a time range",
            description = "Counters are stored as rates per second; timers as <name>.rate, <name>.mean (seconds) and "
                    + "<name>.max. Each point is the mean of the stored points in its step, with their min and max.")
    public SeriesAnswer series(@PathParam("name") String name,
            @Parameter(description = "ISO-8601 instant (default: an hour ago)") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 instant, exclusive (default: now)") @QueryParam("to") String to,
            @Parameter(description = "Width of a point: 10s, 1m, 1h... (default: the range in about 120 points)")
            @QueryParam("step") String step,
            @Parameter(description = "Labels the series must carry: key=value pairs joined with commas")
            @QueryParam("labels") String labels) {
        Params.Range r = Params.range(from, to, Duration.ofHours(1));
        Instant start = r.from();
        Instant end = r.to();
        Duration range = Duration.between(start, end);
        AnalyticsConfig config = recorder.config();
        int sample = recorder.sampleSeconds();
        Duration width = Params.duration("step", step, Duration.ofSeconds(Math.max(sample, range.getSeconds() / 120)),
                Duration.ofDays(30));
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
        List<SeriesStore.Series> series = recorder.store().query(name, labels(labels), start.toEpochMilli(),
                end.toEpochMilli(), resolution, stepSeconds);
        if (series.isEmpty() && !recorder.store().names().contains(name)) {
            throw ProblemException.notFound("no metric named '" + name + "' is stored; GET /api/v1/metrics lists "
                    + "the metrics (counters are stored under their name, timers as <name>.rate, .mean and .max)");
        }
        return new SeriesAnswer(name, start, end, stepSeconds + "s", resolution, series);
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

    @GET
    @Path("{name}/forecast")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "forecastMetric", summary = "A metric's forecast with 95 % prediction intervals",
            description = "Holt-Winters (additive, with a daily season once two days of 1-minute points are stored) fitted "
                    + "to the history. With `limit`, also when the forecast first reaches it (a capacity warning).")
    public ForecastAnswer forecast(@PathParam("name") String name,
            @Parameter(description = "How far ahead, e.g. 1h (default), at most 7d") @QueryParam("horizon") String horizon,
            @Parameter(description = "History to fit, e.g. 3d (default 7d)") @QueryParam("history") String history,
            @Parameter(description = "Labels of the series: key=value pairs joined with commas") @QueryParam("labels") String labels,
            @Parameter(description = "A level to warn about, e.g. the heap's maximum") @QueryParam("limit") Double limit)
            {
        Duration ahead = Params.duration("horizon", horizon, Duration.ofHours(1), Duration.ofDays(7));
        Duration back = Params.duration("history", history, Duration.ofDays(7), Duration.ofDays(90));
        Forecasts.Result result;
        try {
            result = Forecasts.forecast(recorder.store(), recorder.sampleSeconds(), name, labels(labels), back, ahead);
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

    @GET
    @Path("{name}/correlations")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "correlateMetric", summary = "The other series ranked by correlation with this one",
            description = "Pearson correlation over the window, with the other series shifted up to `maxLag` steps "
                    + "earlier: a series that moves first, strongly correlated, points at a likely cause of a spike.")
    public CorrelationAnswer correlations(@PathParam("name") String name,
            @Parameter(description = "e.g. 1h (default), at most 7d") @QueryParam("window") String window,
            @Parameter(description = "Labels of the series: key=value pairs joined with commas") @QueryParam("labels") String labels,
            @Parameter(description = "Steps another series may lead by (default 10)") @QueryParam("maxLag") @DefaultValue("10") int maxLag,
            @QueryParam("limit") @DefaultValue("20") int limit) {
        Duration span = Params.duration("window", window, Duration.ofHours(1), Duration.ofDays(7));
        if (maxLag < 0 || maxLag > 100) {
            throw ProblemException.invalid("'maxLag' must be between 0 and 100, got " + maxLag);
        }
        int sample = recorder.sampleSeconds();
        int resolution = span.compareTo(Duration.ofHours(6)) <= 0 ? sample : SeriesStore.MINUTE;
        long now = System.currentTimeMillis();
        Map<String, double[]> all = recorder.store().aligned(now - span.toMillis(), now, resolution, resolution);
        Map<String, String> wanted = labels(labels);
        String target = null;
        for (String key : all.keySet()) {
            String keyName = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            Map<String, String> keyLabels = key.contains("{") ? SeriesStore.decode(key.substring(key.indexOf('{') + 1, key.length() - 1))
                    : Map.of();
            if (keyName.equals(name) && keyLabels.entrySet().containsAll(wanted.entrySet())) {
                if (target != null) {
                    throw ProblemException.invalid("'" + name + "' has several series in the window; choose one with labels");
                }
                target = key;
            }
        }
        if (target == null) {
            throw ProblemException.notFound("no stored series of '" + name + "' in the last " + span.toString().substring(2).toLowerCase(Locale.ROOT));
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
        return new CorrelationAnswer(name, wanted, span.toString(), resolution,
                ranked.subList(0, Math.min(Params.limit(limit, 200), ranked.size())));
    }

    static Map<String, String> labels(String text) {
        try {
            return Labels.parse("labels", text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage());
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listMetrics", summary = "Every metric, its labels and current values")
    public List<MetricInfo> list(@Parameter(description = "Only names that start with this, e.g. conflux.runs")
            @QueryParam("prefix") String prefix) {
        return describe(metrics, prefix);
    }

    static List<MetricInfo> describe(Metrics metrics, String prefix) {
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
}
