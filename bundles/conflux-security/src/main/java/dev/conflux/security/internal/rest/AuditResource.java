package dev.conflux.security.internal.rest;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.security.Roles;
import dev.conflux.security.internal.AuditEntry;
import dev.conflux.security.internal.AuditLog;
import dev.conflux.security.internal.SecurityService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/audit}: read, verify and export the audit trail (admin). */
@Component(service = AuditResource.class)
@JaxrsResource
@JaxrsName("conflux.audit")
@JSONRequired
@Path("audit")
@Tag(name = "audit")
@RolesAllowed(Roles.ADMIN)
public class AuditResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecurityService security;

    @Activate
    public AuditResource(@Reference SecurityService security) {
        this.security = security;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listAudit", summary = "Audit entries, newest first, filtered by principal, action prefix and time")
    public Map<String, Object> list(@QueryParam("principal") String principal, @QueryParam("action") String action,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("100") int limit) {
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw ProblemException.invalid("offset must be 0 or more and limit from 1 to 1000");
        }
        List<AuditEntry> entries = security.auditLog().query(new AuditLog.Query(blank(principal), blank(action),
                instant("from", from), instant("to", to), offset, limit));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("offset", offset);
        page.put("limit", limit);
        page.put("items", entries);
        return page;
    }

    @GET
    @Path("verify")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "verifyAudit", summary = "Check the hash chain; names the first entry that was changed or removed")
    public AuditLog.Verification verify() {
        return security.auditLog().verify();
    }

    @GET
    @Path("export")
    @Produces("application/x-ndjson")
    @Operation(operationId = "exportAudit", summary = "The audit trail as JSON lines, oldest first, with hashes")
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to) {
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        StreamingOutput body = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            try {
                security.auditLog().forEach(start, end, entry -> {
                    try {
                        writer.write(JSON.writeValueAsString(line(entry)));
                        writer.write('\n');
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            writer.flush();
        };
        return Response.ok(body, "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"conflux-audit.jsonl\"").build();
    }

    /** An export line: the stored fields, with the time as ISO-8601 text. */
    private static Map<String, Object> line(AuditEntry entry) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("seq", entry.seq());
        line.put("at", entry.at().toString());
        line.put("principal", entry.principal());
        line.put("clientAddress", entry.clientAddress());
        line.put("action", entry.action());
        line.put("target", entry.target());
        line.put("outcome", entry.outcome());
        line.put("detail", entry.detail());
        line.put("prevHash", entry.prevHash());
        line.put("hash", entry.hash());
        return line;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(name + " '" + value + "' is not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }
}
