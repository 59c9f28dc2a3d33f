package dev.conflux.security.internal.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
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
import dev.conflux.api.security.AuthenticationException;
import dev.conflux.api.security.Roles;
import dev.conflux.security.internal.SecurityService;
import dev.conflux.security.internal.SecurityService.Login;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/auth}: log in for a token, refresh it, log out. */
@Component(service = AuthResource.class)
@JaxrsResource
@JaxrsName("conflux.auth")
@JSONRequired
@Path("auth")
@Tag(name = "auth")
public class AuthResource {

    public record Credentials(@JsonProperty("username") String username, @JsonProperty("password") String password) {
    }

    public record Refresh(@JsonProperty("refreshToken") String refreshToken) {
    }

    private final SecurityService security;

    @Context
    HttpServletRequest servletRequest;

    @Context
    UriInfo uriInfo;

    @Activate
    public AuthResource(@Reference SecurityService security) {
        this.security = security;
    }

    @POST
    @Path("login")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "login", summary = "User name and password for a short-lived access token and a refresh token")
    public Response login(Credentials credentials) {
        if (credentials == null || credentials.username() == null || credentials.password() == null) {
            throw ProblemException.invalid("send {\"username\": ..., \"password\": ...}");
        }
        audited();
        String address = AccessFilter.clientAddress(servletRequest);
        long wait = security.rateLimit(SecurityService.CLASS_LOGIN, null, address);
        if (wait > 0) {
            return Problems.tooMany("Too many login attempts from this address; retry in " + wait + " s", wait, path());
        }
        try {
            return tokens(security.login(credentials.username(), credentials.password(), address));
        } catch (AuthenticationException e) {
            return failure(e);
        }
    }

    @POST
    @Path("refresh")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "refreshToken", summary = "A refresh token for a new access token and a new refresh token "
            + "(each refresh token works once)")
    public Response refresh(Refresh refresh) {
        if (refresh == null || refresh.refreshToken() == null) {
            throw ProblemException.invalid("send {\"refreshToken\": ...}");
        }
        audited();
        String address = AccessFilter.clientAddress(servletRequest);
        long wait = security.rateLimit(SecurityService.CLASS_LOGIN, null, address);
        if (wait > 0) {
            return Problems.tooMany("Too many token requests from this address; retry in " + wait + " s", wait, path());
        }
        try {
            return tokens(security.refresh(refresh.refreshToken(), address));
        } catch (AuthenticationException e) {
            return failure(e);
        }
    }

    @POST
    @Path("logout")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    @Operation(operationId = "logout", summary = "Revoke the access token of this request and its refresh token")
    public Response logout() {
        audited();
        security.logout(RequestCaller.of(servletRequest), AccessFilter.clientAddress(servletRequest));
        return Response.noContent().build();
    }

    private Response tokens(Login login) {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", login.tokens().accessToken());
        body.put("tokenType", "Bearer");
        body.put("expiresIn", Duration.between(now, login.tokens().accessExpiresAt()).toSeconds());
        body.put("refreshToken", login.tokens().refreshToken());
        body.put("refreshExpiresIn", Duration.between(now, login.tokens().refreshExpiresAt()).toSeconds());
        body.put("username", login.caller().name());
        body.put("roles", new TreeSet<>(login.caller().roles()));
        return Response.ok(body).build();
    }

    private Response failure(AuthenticationException e) {
        if (e.reason() == AuthenticationException.Reason.LOCKED) {
            return Problems.tooMany(e.getMessage(), e.retryAfterSeconds(), path());
        }
        return Problems.unauthorized(e.getMessage(), path());
    }

    private void audited() {
        servletRequest.setAttribute(AccessFilter.AUDITED, Boolean.TRUE);
    }

    private String path() {
        return uriInfo.getRequestUri().getRawPath();
    }
}
