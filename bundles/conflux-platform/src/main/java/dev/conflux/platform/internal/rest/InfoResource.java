package dev.conflux.platform.internal.rest;

import java.util.LinkedHashMap;
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

import dev.conflux.platform.internal.capability.CapabilityInventory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code GET /api/v1/info}: the version and every capability with its bundles' states. */
@Component(service = InfoResource.class)
@JaxrsResource
@JaxrsName("conflux.info")
@JSONRequired
@Path("info")
@Tag(name = "platform")
public class InfoResource {

    private final CapabilityInventory inventory;

    @Activate
    public InfoResource(@Reference CapabilityInventory inventory) {
        this.inventory = inventory;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getInfo", summary = "Version of the platform and the state of each capability")
    public Map<String, Object> get() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", inventory.version());
        json.put("capabilities", inventory.capabilities());
        return json;
    }
}
