package dev.conflux.platform.internal.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.ws.rs.core.Context;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.ext.ExceptionMapper;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemType;

/** A request body that is not valid JSON, or not the expected shape: 400 with the line and column. */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
@JaxrsName("conflux.json-errors")
public class JsonErrorMapper implements ExceptionMapper<JsonProcessingException> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(JsonProcessingException exception) {
        return ProblemResponses.of(problem(exception), uriInfo);
    }

    static Problem problem(JsonProcessingException exception) {
        JsonLocation location = exception.getLocation();
        Map<String, Object> error = new LinkedHashMap<>();
        if (location != null && location.getLineNr() > 0) {
            error.put("line", location.getLineNr());
            error.put("column", location.getColumnNr());
        }
        String path = exception instanceof JsonMappingException mapping ? path(mapping.getPath()) : "";
        if (!path.isEmpty()) {
            error.put("path", path);
        }
        String message = exception instanceof UnrecognizedPropertyException unknown
                ? "unknown property '" + unknown.getPropertyName() + "'"
                        + (unknown.getKnownPropertyIds() == null || unknown.getKnownPropertyIds().isEmpty() ? ""
                                : "; known: " + unknown.getKnownPropertyIds().stream().map(String::valueOf)
                                        .sorted().collect(Collectors.joining(", ")))
                : firstLine(exception.getOriginalMessage());
        error.put("message", message);
        String where = error.containsKey("line") ? " at line " + error.get("line") + ", column " + error.get("column") : "";
        return Problem.of(ProblemType.INVALID_REQUEST, "The request body is not valid JSON for this operation" + where
                + ": " + message).with("errors", List.of(error));
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Jackson's messages can quote a class name or source on further lines; clients get the first line only. */
    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).trim();
        // Jackson appends how a programmer could relax the check: "(set DeserializationConfig...)"
        int advice = line.indexOf(" (set ");
        return advice < 0 ? line : line.substring(0, advice);
    }
}
