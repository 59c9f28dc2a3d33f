package dev.conflux.analytics.internal.rest;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.analytics.internal.logs.LogBuffer;
import dev.conflux.analytics.internal.query.Params;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.security.Roles;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/logs}: the container's recent log records, newest first (admin and operator: logs can hold data). */
@Component(service = LogsResource.class)
@JaxrsResource
@JaxrsName("conflux.logs")
@JSONRequired
@Path("logs")
@Tag(name = "analytics")
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
public class LogsResource {

    private final LogBuffer logs;

    @Activate
    public LogsResource(@Reference LogBuffer logs) {
        this.logs = logs;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listLogs", summary = "Recent log records of the container, newest first",
            description = "The last 10,000 records are kept in memory. `level` includes that level and the more severe ones.")
    public List<LogBuffer.Entry> logs(
            @Parameter(description = "ERROR, WARN, INFO, DEBUG or TRACE (default: all)") @QueryParam("level") String level,
            @Parameter(description = "Logger name prefix, e.g. dev.conflux.workflow") @QueryParam("logger") String logger,
            @Parameter(description = "ISO-8601 instant") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 instant (exclusive)") @QueryParam("to") String to,
            @Parameter(description = "Text in the message, logger or stack trace (case-insensitive)") @QueryParam("q") String q,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        try {
            return logs.find(new LogBuffer.Query(blank(level), blank(logger), Params.instant("from", from),
                    Params.instant("to", to), q, Params.limit(limit, 1000)));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage());
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
