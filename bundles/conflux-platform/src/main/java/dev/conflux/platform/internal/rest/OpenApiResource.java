package dev.conflux.platform.internal.rest;

import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.platform.internal.openapi.OpenApiDocument;
import io.swagger.v3.oas.annotations.Hidden;

/** {@code GET /api/v1/openapi.json}: the OpenAPI 3 document of every registered resource. */
@Component(service = OpenApiResource.class)
@JaxrsResource
@PermitAll
@JaxrsName("conflux.openapi")
@Path("openapi.json")
@Hidden
public class OpenApiResource {

    private final OpenApiDocument document;

    @Activate
    public OpenApiResource(@Reference OpenApiDocument document) {
        this.document = document;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String get() {
        return document.json();
    }
}
