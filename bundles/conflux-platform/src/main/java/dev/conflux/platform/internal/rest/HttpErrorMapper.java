package dev.conflux.platform.internal.rest;

import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Request;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.ext.ExceptionMapper;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemType;

/**
 * Answers the errors JAX-RS raises itself (no such path, wrong method, wrong media type) and any
 * {@link WebApplicationException} a resource throws, as problem details. Headers the status needs
 * ({@code Allow} for 405, {@code Retry-After}, {@code WWW-Authenticate}) are kept.
 */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
@JaxrsName("conflux.http-errors")
public class HttpErrorMapper implements ExceptionMapper<WebApplicationException> {

    private static final String[] KEPT_HEADERS = {HttpHeaders.ALLOW, HttpHeaders.RETRY_AFTER,
        HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.LOCATION};

    @Context
    UriInfo uriInfo;

    @Context
    Request request;

    /** Knows which methods each path answers; CXF's own Allow header lists every method of the application. */
    @org.osgi.service.component.annotations.Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    volatile dev.conflux.platform.internal.openapi.OpenApiDocument document;

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (status < 400) {
            return original;
        }
        if (status == 404 && badParameter(exception)) {
            // JAX-RS answers a query parameter it cannot convert (limit=abc) with 404; the path exists, the value is wrong
            ProblemType type = ProblemType.INVALID_REQUEST;
            return ProblemResponses.of(new Problem(type.uri(), type.title(), 400, "A parameter of " + path()
                    + " has a value of the wrong type: " + exception.getCause().getMessage(), null, java.util.Map.of()), uriInfo);
        }
        ProblemType type = ProblemType.forStatus(status);
        Response problem = ProblemResponses.of(
                new Problem(type.uri(), type.title(), status, detail(exception, status), null, java.util.Map.of()),
                uriInfo);
        if (original == null) {
            return problem;
        }
        Response.ResponseBuilder builder = Response.fromResponse(problem);
        for (String header : KEPT_HEADERS) {
            String value = status == 405 && HttpHeaders.ALLOW.equals(header) ? allowed(original) : original.getHeaderString(header);
            if (value != null) {
                builder.header(header, value);
            }
        }
        return builder.build();
    }

    /** A 404 raised while converting a parameter of a matched resource, not for a missing path. */
    private boolean badParameter(WebApplicationException exception) {
        if (!(exception.getCause() instanceof IllegalArgumentException)) {
            return false;
        }
        try {
            return uriInfo != null && !uriInfo.getMatchedResources().isEmpty();
        } catch (RuntimeException outsideARequest) {
            return false;
        }
    }

    private String detail(WebApplicationException exception, int status) {
        if (!isDefaultMessage(exception, status)) {
            return exception.getMessage();
        }
        return switch (status) {
            case 404 -> "Nothing at " + path() + "; the API is described at /api/v1/openapi.json";
            case 405 -> {
                String allow = allowed(exception.getResponse());
                yield (request == null ? "This method" : request.getMethod()) + " is not allowed on " + path()
                        + (allow == null ? "" : "; allowed: " + allow);
            }
            case 406 -> "None of the media types in the Accept header can be produced by " + path();
            case 415 -> "The Content-Type of the request is not one that " + path() + " accepts";
            default -> ProblemType.forStatus(status).title();
        };
    }

    /** The methods this path answers, from the OpenAPI document when the platform has one. */
    private String allowed(Response original) {
        var doc = document;
        String path = ProblemResponses.path(uriInfo);
        if (doc != null && path != null) {
            String relative = uriInfo.getBaseUri().getRawPath();
            String local = path.startsWith(relative) ? "/" + path.substring(relative.length()).replaceAll("^/+", "") : path;
            java.util.Set<String> methods = doc.allowedMethods(local);
            if (!methods.isEmpty()) {
                return String.join(", ", methods);
            }
        }
        return original == null ? null : original.getHeaderString(HttpHeaders.ALLOW);
    }

    private String path() {
        String path = ProblemResponses.path(uriInfo);
        return path == null ? "this path" : path;
    }

    /** JAX-RS fills in "HTTP 404 Not Found" when the thrower gave no message: that says nothing new. */
    private static boolean isDefaultMessage(WebApplicationException exception, int status) {
        String message = exception.getMessage();
        return message == null || message.startsWith("HTTP " + status);
    }
}
