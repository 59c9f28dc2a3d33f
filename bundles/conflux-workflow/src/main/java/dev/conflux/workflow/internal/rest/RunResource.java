package dev.conflux.workflow.internal.rest;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
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

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.workflow.Page;
import dev.conflux.api.workflow.RunLogLine;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * {@code /api/v1/runs}: read runs and pause, resume, cancel or retry them. Runs start at
 * {@code POST /workflows/{id}/runs}, {@code POST /hooks/{id}} and {@code POST /pipeline/execute}.
 */
@Component(service = RunResource.class)
@JaxrsResource
@JaxrsName("conflux.runs")
@JSONRequired
@Path("runs")
@Tag(name = "runs")
public class RunResource {

    private final WorkflowService workflows;

    @Context
    UriInfo uriInfo;

    @Activate
    public RunResource(@Reference WorkflowService workflows) {
        this.workflows = workflows;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listRuns", summary = "Runs, newest first, filtered by workflow, state and start time")
    public Page<RunView> list(@QueryParam("workflow") String workflow, @QueryParam("state") String state,
            @Parameter(description = "ISO-8601 instant, e.g. 2026-01-31T12:00:00Z") @QueryParam("since") String since,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("50") int limit) {
        if (offset < 0 || limit < 1 || limit > 500) {
            throw ProblemException.invalid("offset must be 0 or more and limit from 1 to 500");
        }
        return workflows.listRuns(workflow, state(state), instant(since), offset, limit);
    }

    @GET
    @Path("{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getRun", summary = "A run: its state and each step's state, attempts, timings, output and error")
    public RunView get(@PathParam("runId") String runId) {
        return workflows.getRun(runId).orElseThrow(() -> ProblemException.notFound("no run " + runId));
    }

    @GET
    @Path("{runId}/logs")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getRunLogs", summary = "What the run's steps logged, oldest first")
    public List<RunLogLine> logs(@PathParam("runId") String runId, @QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("1000") int limit) {
        return workflows.runLogs(runId, offset, limit);
    }

    @POST
    @Path("{runId}/pause")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "pauseRun", summary = "Pause: running steps finish, no new step starts (409 unless RUNNING)")
    public RunView pause(@PathParam("runId") String runId) {
        return workflows.pause(runId);
    }

    @POST
    @Path("{runId}/resume")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "resumeRun", summary = "Resume a paused run (409 unless PAUSED)")
    public RunView resume(@PathParam("runId") String runId) {
        return workflows.resume(runId);
    }

    @POST
    @Path("{runId}/cancel")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "cancelRun", summary = "Cancel: running steps are stopped, nothing else runs (409 when finished)")
    public RunView cancel(@PathParam("runId") String runId) {
        return workflows.cancel(runId);
    }

    @POST
    @Path("{runId}/retry")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "retryRun", summary = "Restart a failed or cancelled run from the steps that did not succeed")
    public RunView retry(@PathParam("runId") String runId) {
        return workflows.retry(runId);
    }

    /** 202 Accepted with the run's id and its URL in Location: what every face that starts a run answers. */
    static Response accepted(UriInfo uriInfo, RunView run) {
        URI location = uriInfo.getBaseUriBuilder().path("runs").path(run.runId()).build();
        return Response.accepted(Map.of("runId", run.runId(), "workflowId", run.workflowId(), "version", run.version(),
                "state", run.state().name())).location(location).build();
    }

    static RunState state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return RunState.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("'" + state + "' is not a run state; use one of " + Arrays.toString(RunState.values()));
        }
    }

    private static Instant instant(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(since.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("'since' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got '" + since + "'");
        }
    }
}
