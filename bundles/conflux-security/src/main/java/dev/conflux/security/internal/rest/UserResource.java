package dev.conflux.security.internal.rest;

import java.net.URI;
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
import javax.ws.rs.PUT;
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
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.security.Caller;
import dev.conflux.api.security.Roles;
import dev.conflux.security.internal.SecurityService;
import dev.conflux.security.internal.UserView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/users}: one's own profile for everyone; the user store and its roles for admins. */
@Component(service = UserResource.class)
@JaxrsResource
@JaxrsName("conflux.users")
@JSONRequired
@Path("users")
@Tag(name = "users")
@RolesAllowed(Roles.ADMIN)
public class UserResource {

    public record NewUser(@JsonProperty("username") String username, @JsonProperty("password") String password,
            @JsonProperty("displayName") String displayName, @JsonProperty("email") String email,
            @JsonProperty("roles") List<String> roles) {
    }

    public record UserChange(@JsonProperty("displayName") String displayName, @JsonProperty("email") String email,
            @JsonProperty("roles") List<String> roles, @JsonProperty("password") String password) {
    }

    public record RoleList(@JsonProperty("roles") List<String> roles) {
    }

    public record ProfileChange(@JsonProperty("displayName") String displayName, @JsonProperty("email") String email,
            @JsonProperty("preferences") Map<String, Object> preferences,
            @JsonProperty("currentPassword") String currentPassword, @JsonProperty("newPassword") String newPassword) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecurityService security;

    @Context
    HttpServletRequest request;

    @Context
    UriInfo uriInfo;

    @Activate
    public UserResource(@Reference SecurityService security) {
        this.security = security;
    }

    @GET
    @Path("profile")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getProfile", summary = "The caller's own profile")
    public UserView profile() {
        Caller caller = RequestCaller.of(request);
        return security.user(caller.name()).map(UserView::of)
                .orElseThrow(() -> ProblemException.notFound("'" + caller.name() + "' is an API key, not a user; it has no profile"));
    }

    @PUT
    @Path("profile")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateProfile", summary = "Change one's display name, email, preferences or password "
            + "(a new password needs the current one)")
    public UserView updateProfile(ProfileChange change) {
        if (change == null) {
            throw ProblemException.invalid("send the fields to change: displayName, email, preferences, "
                    + "currentPassword with newPassword");
        }
        Caller caller = RequestCaller.of(request);
        String address = RequestCaller.address(request);
        if (security.user(caller.name()).isEmpty()) {
            throw ProblemException.notFound("'" + caller.name() + "' is an API key, not a user; it has no profile");
        }
        if (change.newPassword() != null) {
            security.changeOwnPassword(caller, address, change.currentPassword(), change.newPassword());
        }
        String preferences = null;
        if (change.preferences() != null) {
            try {
                preferences = JSON.writeValueAsString(change.preferences());
            } catch (JsonProcessingException e) {
                throw ProblemException.invalid("preferences must be a JSON object: " + e.getOriginalMessage());
            }
            if (preferences.length() > 64 * 1024) {
                throw ProblemException.invalid("preferences may take at most 64 KiB");
            }
        }
        return UserView.of(security.updateProfile(caller, address, change.displayName(), change.email(), preferences));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listUsers", summary = "Every user with their roles (admin)")
    public List<UserView> list() {
        return security.users().stream().map(UserView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createUser", summary = "Add a user with a password and roles (admin)")
    public Response create(NewUser user) {
        if (user == null) {
            throw ProblemException.invalid("send {\"username\", \"password\", \"roles\": [...], \"displayName\", \"email\"}");
        }
        if ("profile".equals(user.username())) {
            throw ProblemException.invalid("'profile' is reserved; choose another user name");
        }
        UserView created = UserView.of(security.createUser(actor(), RequestCaller.address(request), user.username(),
                user.password(), user.displayName(), user.email(), user.roles()));
        URI location = uriInfo.getBaseUriBuilder().path("users").path(created.username()).build();
        return Response.created(location).entity(created).build();
    }

    @GET
    @Path("{username}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getUser", summary = "A user (admin)")
    public UserView get(@PathParam("username") String username) {
        return security.user(username).map(UserView::of)
                .orElseThrow(() -> ProblemException.notFound("no user named '" + username + "'"));
    }

    @PUT
    @Path("{username}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateUser", summary = "Change a user's display name, email, roles or password (admin)")
    public UserView update(@PathParam("username") String username, UserChange change) {
        if (change == null) {
            throw ProblemException.invalid("send the fields to change: displayName, email, roles, password");
        }
        return UserView.of(security.updateUser(actor(), RequestCaller.address(request), username, change.displayName(),
                change.email(), change.roles(), change.password()));
    }

    @DELETE
    @Path("{username}")
    @Operation(operationId = "deleteUser", summary = "Remove a user and end their sessions (admin)")
    public Response delete(@PathParam("username") String username) {
        security.deleteUser(actor(), RequestCaller.address(request), username);
        return Response.noContent().build();
    }

    @GET
    @Path("{username}/roles")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getUserRoles", summary = "A user's roles (admin)")
    public Map<String, Object> roles(@PathParam("username") String username) {
        return rolesOf(get(username));
    }

    @PUT
    @Path("{username}/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "setUserRoles", summary = "Replace a user's roles; their sessions end (admin)")
    public Map<String, Object> setRoles(@PathParam("username") String username, RoleList roles) {
        if (roles == null || roles.roles() == null) {
            throw ProblemException.invalid("send {\"roles\": [\"operator\", ...]}");
        }
        return rolesOf(UserView.of(security.updateUser(actor(), RequestCaller.address(request), username, null, null,
                roles.roles(), null)));
    }

    private static Map<String, Object> rolesOf(UserView user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", user.username());
        body.put("roles", new TreeSet<>(user.roles()));
        return body;
    }

    private String actor() {
        return RequestCaller.of(request).name();
    }
}
