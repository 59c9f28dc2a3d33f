package dev.conflux.workflow.internal.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.workflow.internal.StepTypeRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code GET /api/v1/step-types}: the step types installed bundles provide, with their input and output schemas. */
@Component(service = StepTypesResource.class)
@JaxrsResource
@JaxrsName("conflux.step-types")
@JSONRequired
@Path("step-types")
@Tag(name = "workflows")
public class StepTypesResource {

    private final StepTypeRegistry registry;

    @Activate
    public StepTypesResource(@Reference StepTypeRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listStepTypes", summary = "Installed step types, their bundles, input schemas and (where the type gives one) output schemas")
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> types = new ArrayList<>();
        registry.available().forEach((name, provided) -> {
            Map<String, Object> type = new LinkedHashMap<>();
            type.put("name", name);
            type.put("description", provided.stepType().description());
            type.put("bundle", provided.bundle());
            type.put("inputSchema", provided.stepType().inputSchema());
            type.put("outputSchema", provided.stepType().outputSchema());
            types.add(type);
        });
        return types;
    }
}
