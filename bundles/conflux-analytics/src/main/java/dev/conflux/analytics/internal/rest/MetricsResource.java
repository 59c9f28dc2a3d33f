package dev.conflux.analytics.internal.rest;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
import dev.conflux.analytics.internal.Metrics;
import dev.conflux.analytics.internal.SeriesRecorder;
import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.api.problem.ProblemException;
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
        Instant end = Params.instant("to", to);
        end = end == null ? Instant.now() : end;
        Instant start = Params.instant("from", from);
        start = start == null ? end.minus(Duration.ofHours(1)) : start;
        if (!start.isBefore(end)) {
            throw ProblemException.invalid("'from' must be before 'to'");
        }
        Duration range = Duration.between(start, end);
        AnalyticsConfig config = recorder.config();
        int sample = Math.max(1, Math.min(59, config.sampleSeconds()));
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
        try {
            List<SeriesStore.Series> series = recorder.store().query(name, labels(labels), start.toEpochMilli(),
                    end.toEpochMilli(), resolution, stepSeconds);
            if (series.isEmpty() && !recorder.store().names().contains(name)) {
                throw ProblemException.notFound("no metric named '" + name + "' is stored; GET /api/v1/metrics lists "
                        + "the metrics (counters are stored under their name, timers as <name>.rate, .mean and .max)");
            }
            return new SeriesAnswer(name, start, end, stepSeconds + "s", resolution, series);
        } catch (SQLException e) {
            throw new IllegalStateException("reading series " + name + " failed", e);
        }
    }

    static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return labels;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw ProblemException.invalid("'labels' must be key=value pairs joined with commas, e.g. "
                        + "workflow=orders,step=fetch; got '" + text + "'");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return labels;
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
