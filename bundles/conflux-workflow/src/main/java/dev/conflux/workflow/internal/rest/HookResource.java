package dev.conflux.workflow.internal.rest;

import java.util.Map;

import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
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

import dev.conflux.api.workflow.WorkflowService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code POST /api/v1/hooks/{workflowId}}: the webhook trigger; the JSON body becomes the run's input. */
@Component(service = HookResource.class)
@JaxrsResource
@JaxrsName("conflux.hooks")
@JSONRequired
@Path("hooks")
@Tag(name = "runs")
public class HookResource {

    private final WorkflowService workflows;

    @Context
    UriInfo uriInfo;

    @Activate
    public HookResource(@Reference WorkflowService workflows) {
        this.workflows = workflows;
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "webhook", summary = "Start a run from a webhook: the JSON body becomes the run's input")
    public Response hook(@PathParam("id") String id, Map<String, Object> inputs) {
        return RunResource.accepted(uriInfo, workflows.startRun(id, inputs == null ? Map.of() : inputs, "webhook"));
    }
}
