package dev.conflux.workflow.internal.rest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
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
import dev.conflux.api.problem.ProblemType;
import dev.conflux.api.workflow.DeployResult;
import dev.conflux.api.workflow.Page;
import dev.conflux.api.workflow.WorkflowDetails;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowSummary;
import dev.conflux.workflow.internal.WorkflowConfig;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/workflows}: deploy, list, read, replace and undeploy workflow definitions. */
@Component(service = WorkflowResource.class, configurationPid = WorkflowConfig.PID)
@JaxrsResource
@JaxrsName("conflux.workflows")
@JSONRequired
@Path("workflows")
@Tag(name = "workflows")
public class WorkflowResource {

    static final String YAML = "application/yaml";

    private final WorkflowService workflows;
    private final int maxBytes;

    @Context
    UriInfo uriInfo;

    @Activate
    public WorkflowResource(@Reference WorkflowService workflows, WorkflowConfig config) {
        this.workflows = workflows;
        this.maxBytes = config.maxDocumentBytes();
    }

    @POST
    @Consumes({YAML, "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "deployWorkflow", summary = "Deploy a workflow (YAML or JSON document)",
            responses = {
                @ApiResponse(responseCode = "201", description = "a new version was stored"),
                @ApiResponse(responseCode = "200", description = "the document equals the current version; nothing changed"),
                @ApiResponse(responseCode = "400", description = "the document is invalid; every error with line and column"),
                @ApiResponse(responseCode = "413", description = "the document is larger than allowed")})
    public Response deploy(InputStream body) {
        DeployResult result = workflows.deploy(read(body), "api");
        return deployed(result);
    }

    @POST
    @Path("{id}/runs")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "startRun", summary = "Start a run of the workflow's current version; the body is the run's input",
            responses = {@ApiResponse(responseCode = "202", description = "stored and started; Location names the run"),
                @ApiResponse(responseCode = "400", description = "the input does not fit the workflow's input schema"),
                @ApiResponse(responseCode = "404", description = "no such workflow is deployed")})
    public Response startRun(@PathParam("id") String id, Map<String, Object> inputs) {
        return RunResource.accepted(uriInfo, workflows.startRun(id, inputs == null ? Map.of() : inputs, "api"));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listWorkflows", summary = "The deployed workflows, by id")
    public Page<WorkflowSummary> list(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        if (offset < 0 || limit < 1 || limit > 500) {
            throw ProblemException.invalid("offset must be 0 or more and limit from 1 to 500");
        }
        return workflows.list(offset, limit);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getWorkflow", summary = "A workflow: its current document, versions and run counts")
    public WorkflowDetails get(@PathParam("id") String id) {
        return workflows.get(id).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("{id}/source")
    @Produces({YAML, MediaType.TEXT_PLAIN})
    @Operation(operationId = "getWorkflowSource", summary = "A version's document as it was deployed (the current one by default)")
    public String source(@PathParam("id") String id,
            @Parameter(description = "the version; the current one when absent") @QueryParam("version") Integer version) {
        int wanted = version != null ? version : workflows.get(id).orElseThrow(() -> notFound(id)).summary().version();
        return workflows.source(id, wanted).orElseThrow(() -> ProblemException.notFound(
                "workflow '" + id + "' has no version " + wanted));
    }

    @PUT
    @Path("{id}")
    @Consumes({YAML, "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "replaceWorkflow", summary = "Deploy a new version of a workflow; the document's id must match")
    public Response replace(@PathParam("id") String id, InputStream body) {
        String source = read(body);
        String documentId = workflows.validate(source).id();
        if (documentId != null && !documentId.equals(id)) {
            throw ProblemException.invalid("the document's id is '" + documentId + "' but the URL names '" + id
                    + "'; PUT replaces the workflow the URL names");
        }
        return deployed(workflows.deploy(source, "api"));
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "undeployWorkflow", summary = "Undeploy a workflow; its versions stay for the runs that use them",
            responses = {@ApiResponse(responseCode = "204", description = "undeployed"),
                @ApiResponse(responseCode = "404", description = "no deployed workflow has this id")})
    public Response undeploy(@PathParam("id") String id,
            @Parameter(description = "also cancel its active runs") @QueryParam("cancelRuns") @DefaultValue("false") boolean cancelRuns) {
        if (!workflows.undeploy(id)) {
            throw notFound(id);
        }
        if (cancelRuns) {
            cancelActiveRuns(id);
        }
        return Response.noContent().build();
    }

    /**
     * Cancels every run of the workflow that has not finished, page by page until none is left (a
     * run that ends meanwhile needs nothing; one that cannot be cancelled is not asked twice).
     */
    void cancelActiveRuns(String id) {
        java.util.Set<String> asked = new java.util.HashSet<>();
        for (dev.conflux.api.workflow.RunState state : dev.conflux.api.workflow.RunState.values()) {
            if (state.isFinished()) {
                continue;
            }
            boolean more = true;
            while (more) {
                more = false;
                for (dev.conflux.api.workflow.RunView run : workflows.listRuns(id, state, null, 0, 500).items()) {
                    if (!asked.add(run.runId())) {
                        continue;
                    }
                    more = true;
                    try {
                        workflows.cancel(run.runId());
                    } catch (ProblemException finishedMeanwhile) {
                        // it ended between the list and the cancel: nothing to do
                    }
                }
            }
        }
    }

    private Response deployed(DeployResult result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", result.id());
        body.put("version", result.version());
        body.put("created", result.created());
        body.put("warnings", result.warnings().stream().map(w -> w.toMap()).toList());
        URI location = uriInfo.getBaseUriBuilder().path("workflows").path(result.id()).build();
        return (result.created() ? Response.created(location) : Response.ok().location(location)).entity(body).build();
    }

    /** Reads at most the configured number of bytes: a larger body is refused before it fills the heap. */
    private String read(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                        "a workflow document may have at most " + maxBytes + " bytes");
            }
            if (bytes.length == 0) {
                throw ProblemException.invalid("the request has no body; send the workflow document (YAML or JSON)");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ProblemException.invalid("the request body could not be read: " + e.getMessage());
        }
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("no workflow '" + id + "' is deployed");
    }
}
