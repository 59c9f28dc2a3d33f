package dev.conflux.security.internal.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import dev.conflux.security.internal.SecurityConfig;

/**
 * What every API response and request gets before anything else: security headers, no caching,
 * a limit on the request body, and CORS, which is off unless origins are configured.
 */
@Component(service = {ContainerRequestFilter.class, ContainerResponseFilter.class}, configurationPid = SecurityConfig.PID)
@JaxrsExtension
@JaxrsName("conflux.security.edge")
@JaxrsApplicationSelect("(osgi.jaxrs.name=*)")
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class EdgeFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-API-Key";
    private static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, DELETE, OPTIONS";

    private final long maxRequestBytes;
    private final Set<String> corsOrigins;

    @Activate
    public EdgeFilter(SecurityConfig config) {
        this.maxRequestBytes = config.maxRequestBytes();
        this.corsOrigins = Arrays.stream(config.corsAllowedOrigins()).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        String origin = request.getHeaderString("Origin");
        if ("OPTIONS".equals(request.getMethod()) && origin != null
                && request.getHeaderString("Access-Control-Request-Method") != null) {
            if (corsOrigins.contains(origin)) {
                request.abortWith(Response.noContent().header("Access-Control-Allow-Origin", origin)
                        .header("Access-Control-Allow-Methods", ALLOWED_METHODS)
                        .header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                        .header("Access-Control-Max-Age", "600").header("Vary", "Origin").build());
            } else {
                request.abortWith(Problems.response(ProblemType.FORBIDDEN, "Cross-origin requests from " + origin
                        + " are not allowed; list the origin in corsAllowedOrigins of " + SecurityConfig.PID, path));
            }
            return;
        }
        int length = request.getLength();
        if (length > maxRequestBytes) {
            request.abortWith(Problems.response(ProblemType.PAYLOAD_TOO_LARGE, "The request body has " + length
                    + " bytes; at most " + maxRequestBytes + " are accepted", path));
            return;
        }
        if (request.hasEntity()) {
            request.setEntityStream(new LimitedStream(request.getEntityStream(), maxRequestBytes));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("X-Frame-Options", "DENY");
        headers.putSingle("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.putSingle("Referrer-Policy", "no-referrer");
        if (!headers.containsKey("Cache-Control")) {
            headers.putSingle("Cache-Control", "no-store");
        }
        String origin = request.getHeaderString("Origin");
        if (origin != null && corsOrigins.contains(origin)) {
            headers.putSingle("Access-Control-Allow-Origin", origin);
            headers.putSingle("Access-Control-Expose-Headers", "Location, Retry-After, WWW-Authenticate");
            headers.add("Vary", "Origin");
        }
    }

    /** Stops reading a body without a declared length once it passes the limit. */
    static final class LimitedStream extends FilterInputStream {
        private final long limit;
        private long read;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "The request body is larger than the "
                        + limit + " bytes accepted");
            }
        }
    }
}
