package dev.conflux.analytics.internal.rest;

import java.time.Duration;

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

import dev.conflux.analytics.internal.query.AnalyticsQueries;
import dev.conflux.analytics.internal.query.Params;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code /api/v1/performance}: per workflow and per step, throughput, duration percentiles, error
 * and completion rates and retries, and the bottleneck steps that take the largest share of run time.
 */
@Component(service = PerformanceResource.class)
@JaxrsResource
@JaxrsName("conflux.performance")
@JSONRequired
@Path("performance")
@Tag(name = "analytics")
public class PerformanceResource {

    private final AnalyticsQueries queries;

    @Activate
    public PerformanceResource(@Reference AnalyticsQueries queries) {
        this.queries = queries;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getPerformance", summary = "Throughput, durations, error rates and bottlenecks of workflows and steps",
            description = "Counts are since the analytics bundle started; percentiles (milliseconds) cover the last 4,096 "
                    + "durations of each workflow and step; throughput is runs ended per minute over the window.")
    public AnalyticsQueries.PerformanceAnswer performance(
            @Parameter(description = "Throughput window, e.g. 5m (default), at most 1h") @QueryParam("window") String window,
            @Parameter(description = "Only this workflow") @QueryParam("workflow") String workflow,
            @Parameter(description = "How many bottleneck steps") @QueryParam("bottlenecks") @DefaultValue("5") int bottlenecks) {
        return queries.performance(Params.duration("window", window, Duration.ofMinutes(5), Duration.ofHours(1)), workflow,
                bottlenecks);
    }
}
