package dev.conflux.analytics.internal.rest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

import dev.conflux.analytics.internal.EventCollector;
import dev.conflux.analytics.internal.Performance;
import dev.conflux.api.problem.ProblemException;
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

    private final EventCollector collector;

    @Activate
    public PerformanceResource(@Reference EventCollector collector) {
        this.collector = collector;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getPerformance", summary = "Throughput, durations, error rates and bottlenecks of workflows and steps",
            description = "Counts are since the analytics bundle started; percentiles (milliseconds) cover the last 4,096 "
                    + "durations of each workflow and step; throughput is runs ended per minute over the window.")
    public Map<String, Object> performance(
            @Parameter(description = "Throughput window, e.g. 5m (default), at most 1h") @QueryParam("window") String window,
            @Parameter(description = "Only this workflow") @QueryParam("workflow") String workflow,
            @Parameter(description = "How many bottleneck steps") @QueryParam("bottlenecks") @DefaultValue("5") int bottlenecks) {
        Duration w = Params.duration("window", window, Duration.ofMinutes(5), Duration.ofHours(1));
        if (bottlenecks < 0 || bottlenecks > 100) {
            throw ProblemException.invalid("'bottlenecks' must be between 0 and 100, got " + bottlenecks);
        }
        Performance performance = collector.performance();
        List<Performance.WorkflowFigures> figures = performance.figures(System.currentTimeMillis(), w.toMillis());
        if (workflow != null && !workflow.isBlank()) {
            figures = figures.stream().filter(f -> f.workflow().equals(workflow.trim())).toList();
            if (figures.isEmpty()) {
                throw ProblemException.notFound("no runs of a workflow '" + workflow.trim() + "' were seen");
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("window", w.toString());
        answer.put("workflows", figures);
        answer.put("bottlenecks", workflow == null || workflow.isBlank()
                ? performance.bottlenecks(bottlenecks)
                : figures.get(0).steps().subList(0, Math.min(bottlenecks, figures.get(0).steps().size())));
        return answer;
    }
}
