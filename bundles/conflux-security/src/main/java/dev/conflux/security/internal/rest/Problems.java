package dev.conflux.security.internal.rest;

import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemType;

/** Problem responses the security filters answer with before any resource runs. */
final class Problems {

    static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");
    /** Both schemes a client may answer a 401 with. */
    static final String[] CHALLENGES = {"Bearer realm=\"conflux\"", "Basic realm=\"conflux\", charset=\"UTF-8\""};

    private Problems() {
    }

    static Response response(ProblemType type, String detail, String path) {
        Problem problem = Problem.of(type, detail).at(path);
        return Response.status(problem.status()).type(PROBLEM_JSON).entity(problem.toMap()).build();
    }

    static Response unauthorized(String detail, String path) {
        Response.ResponseBuilder builder = Response.fromResponse(response(ProblemType.UNAUTHORIZED, detail, path));
        for (String challenge : CHALLENGES) {
            builder.header("WWW-Authenticate", challenge);
        }
        return builder.build();
    }

    static Response tooMany(String detail, long retryAfterSeconds, String path) {
        return Response.fromResponse(response(ProblemType.RATE_LIMITED, detail, path))
                .header("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))).build();
    }
}
