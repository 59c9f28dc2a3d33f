package dev.conflux.security.internal.rest;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.annotation.Priority;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

import dev.conflux.api.problem.ProblemType;
import dev.conflux.api.security.AuditEvent;
import dev.conflux.api.security.AuthenticationException;
import dev.conflux.api.security.Caller;
import dev.conflux.api.security.Credentials;
import dev.conflux.security.internal.SecurityService;

/**
 * Deny by default, for every JAX-RS resource of every bundle: a call needs an authenticated caller
 * whose roles its resource allows ({@link AccessRule}), unless the resource is {@code @PermitAll}.
 * Also applies the rate limits and writes every state-changing call to the audit trail.
 */
@Component(service = {ContainerRequestFilter.class, ContainerResponseFilter.class})
@JaxrsExtension
@JaxrsName(AccessFilter.NAME)
@JaxrsApplicationSelect("(osgi.jaxrs.name=*)")
@Priority(Priorities.AUTHENTICATION)
public class AccessFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String NAME = "conflux.security";
    /** The request property holding the {@link Caller}. */
    public static final String CALLER = "conflux.caller";
    /** Set by a resource that wrote its own, more telling audit entry. */
    public static final String AUDITED = "conflux.audited";
    private static final String RULE = "conflux.access-rule";

    private final SecurityService security;
    private final Map<Method, Map<String, AccessRule>> rules = new ConcurrentHashMap<>();

    @Context
    ResourceInfo resourceInfo;

    @Context
    HttpServletRequest servletRequest;

    @Activate
    public AccessFilter(@Reference SecurityService security) {
        this.security = security;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String httpMethod = request.getMethod();
        Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
        AccessRule rule = method == null
                ? AccessRule.of(null, null, httpMethod)
                : rules.computeIfAbsent(method, m -> new ConcurrentHashMap<>()).computeIfAbsent(httpMethod,
                        h -> AccessRule.of(resourceInfo.getResourceClass(), method, h));
        request.setProperty(RULE, rule);
        String address = clientAddress(servletRequest);
        String path = request.getUriInfo().getRequestUri().getRawPath();
        String requestClass = AccessRule.safe(httpMethod) ? SecurityService.CLASS_READ : SecurityService.CLASS_WRITE;
        // the address pays first, so a flood of bad credentials is turned away before any password is hashed
        long addressWait = security.rateLimit(requestClass, null, address);
        if (addressWait > 0) {
            request.abortWith(Problems.tooMany("Too many requests from this address; retry in " + addressWait + " s",
                    addressWait, path));
            return;
        }
        if (rule.open()) {
            return;
        }
        Caller caller;
        try {
            caller = security.authenticate(new Credentials(request.getHeaderString("Authorization"),
                    request.getHeaderString("X-API-Key"), address));
        } catch (AuthenticationException e) {
            if (e.reason() == AuthenticationException.Reason.LOCKED) {
                request.abortWith(Problems.tooMany(e.getMessage(), e.retryAfterSeconds(), path));
            } else {
                request.abortWith(Problems.unauthorized(e.getMessage(), path));
            }
            return;
        }
        long wait = security.rateLimit(requestClass, caller.name(), null);
        if (wait > 0) {
            request.abortWith(Problems.tooMany("Too many requests; retry in " + wait + " s", wait, path));
            return;
        }
        request.setProperty(CALLER, caller);
        if (rule.denied() || !caller.mayActAs(rule.roles())) {
            request.abortWith(Problems.response(ProblemType.FORBIDDEN, rule.denied()
                    ? "Nobody may call " + httpMethod + " " + path
                    : "'" + caller.name() + "' holds " + caller.roles() + "; " + httpMethod + " " + path + " needs one of "
                            + rule.roles(), path));
            return;
        }
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        request.setSecurityContext(new CallerSecurityContext(caller, secure));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object rule = request.getProperty(RULE);
        if (!(rule instanceof AccessRule accessRule) || request.getProperty(AUDITED) != null) {
            return;
        }
        int status = response.getStatus();
        boolean forbidden = status == 403 && request.getProperty(CALLER) != null;
        if (AccessRule.safe(request.getMethod()) && !forbidden) {
            return;
        }
        if (status == 401 || status == 429) {
            // nobody was let in: failed logins are recorded where the credentials were checked
            return;
        }
        Caller caller = (Caller) request.getProperty(CALLER);
        String outcome = forbidden ? AuditEvent.DENIED : status < 400 ? AuditEvent.SUCCESS : AuditEvent.FAILURE;
        security.record(new AuditEvent(caller == null ? "anonymous" : caller.name(), clientAddress(servletRequest),
                accessRule.action(), request.getMethod() + " " + request.getUriInfo().getRequestUri().getRawPath(), outcome,
                "HTTP " + status));
    }

    static String clientAddress(HttpServletRequest request) {
        try {
            return request == null ? null : request.getRemoteAddr();
        } catch (RuntimeException outsideARequest) {
            return null;
        }
    }

    /** What {@code @Context SecurityContext} tells a resource about its caller. */
    record CallerSecurityContext(Caller caller, boolean secure) implements SecurityContext {

        @Override
        public Principal getUserPrincipal() {
            return caller::name;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.mayActAs(java.util.List.of(role));
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "apikey".equals(caller.method()) || "token".equals(caller.method()) ? "Bearer" : BASIC_AUTH;
        }
    }
}
