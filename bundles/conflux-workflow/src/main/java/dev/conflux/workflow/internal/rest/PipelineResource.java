package dev.conflux.workflow.internal.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The Integration Suite plan's pipeline names for the same run operations. */
@Component(service = PipelineResource.class)
@JaxrsResource
@JaxrsName("conflux.pipeline")
@JSONRequired
@Path("pipeline")
@Tag(name = "pipeline")
public class PipelineResource {

    /** {@code {"workflowId": "...", "inputs": {...}}}. */
    public record Execute(@JsonProperty("workflowId") String workflowId, @JsonProperty("inputs") Map<String, Object> inputs) {
    }

    /** {@code {"runId": "..."}}. */
    public record RunRef(@JsonProperty("runId") String runId) {
    }

    /** Runs listed per state; /runs pages through all of them. */
    private static final int MOST_PER_STATE = 500;

    private final WorkflowService workflows;

    @Context
    UriInfo uriInfo;

    @Activate
    public PipelineResource(@Reference WorkflowService workflows) {
        this.workflows = workflows;
    }

    @POST
    @Path("execute")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "pipelineExecute", summary = "Start a run: {workflowId, inputs}")
    public Response execute(Execute request) {
        if (request == null || request.workflowId() == null || request.workflowId().isBlank()) {
            throw ProblemException.invalid("the body needs 'workflowId' (and optionally 'inputs')");
        }
        return RunResource.accepted(uriInfo,
                workflows.startRun(request.workflowId(), request.inputs() == null ? Map.of() : request.inputs(), "api"));
    }

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "pipelineStatus", summary = "Active runs (PENDING, RUNNING and PAUSED; the newest "
            + MOST_PER_STATE + " of each, with how many there are of each in 'counts'), or one run with ?runId=")
    public Object status(@QueryParam("runId") String runId) {
        if (runId != null && !runId.isBlank()) {
            return workflows.getRun(runId).orElseThrow(() -> ProblemException.notFound("no run " + runId));
        }
        List<RunView> active = new ArrayList<>();
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (RunState state : RunState.values()) {
            if (!state.isFinished()) {
                var page = workflows.listRuns(null, state, null, 0, MOST_PER_STATE);
                active.addAll(page.items());
                counts.put(state.name(), page.total());
            }
        }
        // the list holds the newest of each state; the counts say how many there are in all
        return Map.of("active", active, "counts", counts);
    }

    @POST
    @Path("pause")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "pipelinePause", summary = "Pause a run: {runId}")
    public RunView pause(RunRef request) {
        return workflows.pause(runId(request));
    }

    @POST
    @Path("resume")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "pipelineResume", summary = "Resume a run: {runId}")
    public RunView resume(RunRef request) {
        return workflows.resume(runId(request));
    }

    private static String runId(RunRef request) {
        if (request == null || request.runId() == null || request.runId().isBlank()) {
            throw ProblemException.invalid("the body needs 'runId'");
        }
        return request.runId();
    }
}
