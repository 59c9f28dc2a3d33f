package dev.conflux.analytics.internal.rest;

import java.time.Duration;
import java.util.List;

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

import dev.conflux.analytics.internal.query.AnalyticsQueries;
import dev.conflux.analytics.internal.query.AnalyticsQueries.CorrelationAnswer;
import dev.conflux.analytics.internal.query.AnalyticsQueries.ForecastAnswer;
import dev.conflux.analytics.internal.query.AnalyticsQueries.MetricInfo;
import dev.conflux.analytics.internal.query.AnalyticsQueries.SeriesAnswer;
import dev.conflux.analytics.internal.query.Params;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code /api/v1/metrics}: every metric with its labels and current values (the plan's "system
 * metrics"), and {@code /api/v1/metrics/{name}}: a metric's stored series over a time range.
 */
@Component(service = MetricsResource.class)
@JaxrsResource
@JaxrsName("conflux.metrics")
@JSONRequired
@Path("metrics")
@Tag(name = "analytics")
public class MetricsResource {

    private final AnalyticsQueries queries;

    @Activate
    public MetricsResource(@Reference AnalyticsQueries queries) {
        this.queries = queries;
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
        Params.Range range = Params.range(from, to, Duration.ofHours(1));
        return queries.series(name, range.from(), range.to(), Params.duration("step", step, null, Duration.ofDays(30)),
                Params.labels("labels", labels));
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
            @Parameter(description = "A level to warn about, e.g. the heap's maximum") @QueryParam("limit") Double limit) {
        return queries.forecast(name, Params.duration("horizon", horizon, Duration.ofHours(1), Duration.ofDays(7)),
                Params.duration("history", history, Duration.ofDays(7), Duration.ofDays(90)), Params.labels("labels", labels),
                limit);
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
        return queries.correlations(name, span, Params.labels("labels", labels), maxLag, limit);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listMetrics", summary = "Every metric, its labels and current values")
    public List<MetricInfo> list(@Parameter(description = "Only names that start with this, e.g. conflux.runs")
            @QueryParam("prefix") String prefix) {
        return queries.metrics(prefix);
    }
}
