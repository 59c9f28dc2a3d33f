package dev.conflux.analytics.internal.rest;

import java.time.Duration;
import java.util.List;

import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.analytics.internal.query.AnalyticsQueries;
import dev.conflux.analytics.internal.query.Params;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/anomalies}: the unusual values the detectors found in the stored series, newest first. */
@Component(service = AnomaliesResource.class)
@JaxrsResource
@JaxrsName("conflux.anomalies")
@JSONRequired
@Path("anomalies")
@Tag(name = "analytics")
public class AnomaliesResource {

    private final AnalyticsQueries queries;

    @Activate
    public AnomaliesResource(@Reference AnalyticsQueries queries) {
        this.queries = queries;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listAnomalies", summary = "Anomalies found in the metrics, newest first",
            description = "Each sample of every series is compared with what its series' detector expected (an EWMA, "
                    + "per phase of the day once two days are known); zScore is how many deviations it was off.")
    public List<SeriesStore.Anomaly> anomalies(
            @Parameter(description = "ISO-8601 instant (default: a day ago)") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 instant, exclusive (default: now)") @QueryParam("to") String to,
            @Parameter(description = "Only this metric") @QueryParam("metric") String metric,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        Params.Range range = Params.range(from, to, Duration.ofDays(1));
        return queries.anomalies(range.from(), range.to(), metric, limit);
    }
}
