package dev.conflux.platform.internal.rest;

import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

import dev.conflux.api.problem.Problem;

/** Turns a {@link Problem} into the HTTP response every Conflux face sends for an error. */
final class ProblemResponses {

    static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

    private ProblemResponses() {
    }

    static Response of(Problem problem, UriInfo uriInfo) {
        Problem located = problem.instance() == null && uriInfo != null ? problem.at(path(uriInfo)) : problem;
        return Response.status(located.status()).type(PROBLEM_JSON).entity(located.toMap()).build();
    }

    /** The request's path, or {@code null} outside a request. */
    static String path(UriInfo uriInfo) {
        try {
            return uriInfo == null ? null : uriInfo.getRequestUri().getRawPath();
        } catch (RuntimeException outsideARequest) {
            return null;
        }
    }
}
