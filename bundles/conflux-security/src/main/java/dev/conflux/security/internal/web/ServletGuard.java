package dev.conflux.security.internal.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemType;
import dev.conflux.api.security.AuditEvent;
import dev.conflux.api.security.AuthenticationException;
import dev.conflux.api.security.Caller;
import dev.conflux.api.security.Credentials;
import dev.conflux.api.security.Roles;
import dev.conflux.security.internal.SecurityService;

/**
 * The same users and rules for servlets that bundles register on the HTTP whiteboard (the MCP
 * server, the dashboard's API, Prometheus metrics at {@code /metrics}): a filter over the configured paths, in every whiteboard context.
 * Reading (GET, HEAD) needs any role, anything else {@code operator}; what changes something is
 * audited. The servlet sees the caller as its remote user and through {@code isUserInRole}.
 */
@Component(service = Filter.class, configurationPid = ServletGuard.PID,
        property = {"osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=*)",
            // the defaults of Config below; a configuration replaces them
            "osgi.http.whiteboard.filter.pattern=/mcp/*", "osgi.http.whiteboard.filter.pattern=/mcp",
            "osgi.http.whiteboard.filter.pattern=/metrics",
            "osgi.http.whiteboard.filter.name=conflux-servlet-guard"})
@Designate(ocd = ServletGuard.Config.class)
public class ServletGuard implements Filter {

    static final String PID = "dev.conflux.security.servlets";
    private static final List<String> READERS = List.of(Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER);
    private static final List<String> WRITERS = List.of(Roles.ADMIN, Roles.OPERATOR);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ObjectClassDefinition(id = PID, name = "Conflux servlet guard",
            description = "Servlet paths that need an authenticated caller, like the REST API.")
    public @interface Config {
        @AttributeDefinition(name = "Guarded paths", description = "Servlet path patterns (HTTP whiteboard filter patterns).")
        String[] osgi_http_whiteboard_filter_pattern() default {"/mcp/*", "/mcp", "/metrics"};
    }

    private final SecurityService security;

    @Activate
    public ServletGuard(@Reference SecurityService security) {
        this.security = security;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI();
        String address = request.getRemoteAddr();
        boolean reading = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        String requestClass = reading ? SecurityService.CLASS_READ : SecurityService.CLASS_WRITE;
        long addressWait = security.rateLimit(requestClass, null, address);
        if (addressWait > 0) {
            response.setHeader("Retry-After", Long.toString(addressWait));
            problem(response, ProblemType.RATE_LIMITED, "Too many requests from this address; retry in " + addressWait + " s",
                    path);
            return;
        }
        Caller caller;
        try {
            caller = security.authenticate(new Credentials(request.getHeader("Authorization"), request.getHeader("X-API-Key"),
                    address));
        } catch (AuthenticationException e) {
            if (e.reason() == AuthenticationException.Reason.LOCKED) {
                response.setHeader("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
                problem(response, ProblemType.RATE_LIMITED, e.getMessage(), path);
            } else {
                response.addHeader("WWW-Authenticate", "Bearer realm=\"conflux\"");
                response.addHeader("WWW-Authenticate", "Basic realm=\"conflux\", charset=\"UTF-8\"");
                problem(response, ProblemType.UNAUTHORIZED, e.getMessage(), path);
            }
            return;
        }
        long wait = security.rateLimit(requestClass, caller.name(), null);
        if (wait > 0) {
            response.setHeader("Retry-After", Long.toString(wait));
            problem(response, ProblemType.RATE_LIMITED, "Too many requests; retry in " + wait + " s", path);
            return;
        }
        if (!caller.mayActAs(reading ? READERS : WRITERS)) {
            security.record(new AuditEvent(caller.name(), address, "http." + request.getMethod(), path, AuditEvent.DENIED,
                    "roles " + caller.roles()));
            problem(response, ProblemType.FORBIDDEN, "'" + caller.name() + "' holds " + caller.roles() + "; "
                    + request.getMethod() + " " + path + " needs one of " + WRITERS, path);
            return;
        }
        request.setAttribute("conflux.caller", caller);
        chain.doFilter(new CallerRequest(request, caller), response);
        if (!reading) {
            int status = response.getStatus();
            security.record(new AuditEvent(caller.name(), address, "http." + request.getMethod(), path,
                    status < 400 ? AuditEvent.SUCCESS : AuditEvent.FAILURE, "HTTP " + status));
        }
    }

    private static void problem(HttpServletResponse response, ProblemType type, String detail, String path) throws IOException {
        Problem problem = Problem.of(type, detail).at(path);
        response.setStatus(problem.status());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(JSON.writeValueAsString(problem.toMap()).getBytes(StandardCharsets.UTF_8));
    }

    /** The request as the servlet sees it: with its caller. */
    private static final class CallerRequest extends HttpServletRequestWrapper {
        private final Caller caller;

        CallerRequest(HttpServletRequest request, Caller caller) {
            super(request);
            this.caller = caller;
        }

        @Override
        public String getRemoteUser() {
            return caller.name();
        }

        @Override
        public Principal getUserPrincipal() {
            return caller::name;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.mayActAs(List.of(role));
        }

        @Override
        public String getAuthType() {
            return "password".equals(caller.method()) ? BASIC_AUTH : "Bearer";
        }
    }
}
