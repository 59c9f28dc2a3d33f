package dev.conflux.security.internal.rest;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.annotation.security.RolesAllowed;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
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

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.security.Roles;
import dev.conflux.security.internal.ApiKey;
import dev.conflux.security.internal.ApiKeyStore;
import dev.conflux.security.internal.SecurityService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/apikeys}: keys for machines and scripts (admin). The secret is in the answer to POST, only there. */
@Component(service = ApiKeyResource.class)
@JaxrsResource
@JaxrsName("conflux.apikeys")
@JSONRequired
@Path("apikeys")
@Tag(name = "apikeys")
@RolesAllowed(Roles.ADMIN)
public class ApiKeyResource {

    public record NewKey(@JsonProperty("name") String name, @JsonProperty("roles") List<String> roles,
            @JsonProperty("expiresAt") String expiresAt) {
    }

    private final SecurityService security;

    @Context
    HttpServletRequest request;

    @Context
    UriInfo uriInfo;

    @Activate
    public ApiKeyResource(@Reference SecurityService security) {
        this.security = security;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listApiKeys", summary = "Every API key, revoked ones included, without secrets")
    public List<Map<String, Object>> list() {
        return security.apiKeys().stream().map(ApiKeyResource::view).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createApiKey", summary = "Make an API key with roles; the answer holds the key, shown this once")
    public Response create(NewKey key) {
        if (key == null) {
            throw ProblemException.invalid("send {\"name\": ..., \"roles\": [...], \"expiresAt\": optional ISO-8601 instant}");
        }
        Instant expires = null;
        if (key.expiresAt() != null && !key.expiresAt().isBlank()) {
            try {
                expires = Instant.parse(key.expiresAt());
            } catch (DateTimeParseException e) {
                throw ProblemException.invalid("expiresAt '" + key.expiresAt() + "' is not an ISO-8601 instant such as "
                        + "2027-01-31T00:00:00Z");
            }
        }
        ApiKeyStore.Created created = security.createApiKey(RequestCaller.of(request).name(), RequestCaller.address(request),
                key.name(), key.roles(), expires);
        Map<String, Object> body = view(created.key());
        body.put("key", created.secret());
        URI location = uriInfo.getBaseUriBuilder().path("apikeys").path(created.key().id()).build();
        return Response.created(location).entity(body).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key: it stops working at once")
    public Response revoke(@PathParam("id") String id) {
        security.revokeApiKey(RequestCaller.of(request).name(), RequestCaller.address(request), id);
        return Response.noContent().build();
    }

    static Map<String, Object> view(ApiKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("name", key.name());
        view.put("roles", new TreeSet<>(key.roles()));
        view.put("createdBy", key.createdBy());
        view.put("createdAt", key.createdAt());
        view.put("expiresAt", key.expiresAt());
        view.put("lastUsedAt", key.lastUsedAt());
        view.put("revokedAt", key.revokedAt());
        return view;
    }
}
