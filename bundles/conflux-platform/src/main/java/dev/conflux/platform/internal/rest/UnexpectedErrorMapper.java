package dev.conflux.platform.internal.rest;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.UUID;

import javax.ws.rs.core.Context;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.ext.ExceptionMapper;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemType;

/**
 * The last line of defence: a bug anywhere behind a resource becomes a 500 problem with an incident
 * id; the stack trace goes to the log under that id, never to the client. A database that is busy
 * or unreachable (a lock timeout, a lost connection) is a 503 with {@code Retry-After} instead.
 */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
@JaxrsName("conflux.unexpected-errors")
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorMapper.class);

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(Throwable exception) {
        String incident = UUID.randomUUID().toString();
        if (databaseUnavailable(exception)) {
            LOG.warn("Incident {}: the database did not answer {}: {}", incident, describe(), exception.toString());
            Problem problem = Problem.of(ProblemType.UNAVAILABLE, "The database is busy or unreachable; retry in "
                    + RETRY_AFTER_SECONDS + " s (incident " + incident + ")").with("incident", incident);
            return Response.fromResponse(ProblemResponses.of(problem, uriInfo))
                    .header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        LOG.error("Incident {}: unexpected error while answering {}", incident, describe(), exception);
        Problem problem = Problem.of(ProblemType.INTERNAL_ERROR,
                "The server failed to answer this request; the log has the details under incident " + incident)
                .with("incident", incident);
        return ProblemResponses.of(problem, uriInfo);
    }

    /** A lock timeout, a lost connection, a full pool: worth retrying, unlike a bug. */
    static boolean databaseUnavailable(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    private String describe() {
        try {
            return uriInfo == null ? "a request" : uriInfo.getRequestUri().toString();
        } catch (RuntimeException e) {
            return "a request";
        }
    }
}
