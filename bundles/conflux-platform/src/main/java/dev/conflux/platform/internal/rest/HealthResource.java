package dev.conflux.platform.internal.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthStatus;
import dev.conflux.platform.internal.health.HealthReport;
import dev.conflux.platform.internal.health.SystemHealth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code GET /api/v1/health}: the aggregated health; 503 while anything is DOWN. */
@Component(service = HealthResource.class)
@JaxrsResource
@PermitAll
@JaxrsName("conflux.health")
@JSONRequired
@Path("health")
@Tag(name = "platform")
public class HealthResource {

    private final SystemHealth health;

    @Activate
    public HealthResource(@Reference SystemHealth health) {
        this.health = health;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getHealth", summary = "Health of the platform and each of its components",
            responses = {
                @ApiResponse(responseCode = "200", description = "UP or DEGRADED"),
                @ApiResponse(responseCode = "503", description = "at least one component is DOWN")})
    public Response get() {
        HealthReport report = health.check();
        return Response.status(report.status() == HealthStatus.DOWN ? 503 : 200).entity(toJson(report)).build();
    }

    static Map<String, Object> toJson(HealthReport report) {
        Map<String, Object> components = new LinkedHashMap<>();
        for (Map.Entry<String, Health> entry : report.components().entrySet()) {
            Map<String, Object> component = new LinkedHashMap<>();
            component.put("status", entry.getValue().status().name());
            component.put("message", entry.getValue().message());
            if (!entry.getValue().details().isEmpty()) {
                component.put("details", entry.getValue().details());
            }
            components.put(entry.getKey(), component);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", report.status().name());
        json.put("checkedAt", report.checkedAt().toString());
        json.put("durationMillis", report.durationMillis());
        json.put("components", components);
        return json;
    }
}
