package dev.conflux.workflow.internal.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;

/**
 * JSON Schema (draft 2020-12, networknt's json-schema-validator) for run inputs and step inputs.
 * Compiled schemas are kept in a bounded least-recently-used cache: a schema never changes once
 * deployed, but every deployed version brings one, so an unbounded cache grew without end.
 */
public final class JsonSchemas {

    /** How many compiled schemas are kept; a schema past that is compiled again when next used. */
    public static final int CACHED_SCHEMAS = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Map<String, Object>, JsonSchema> COMPILED = BoundedMaps.leastRecentlyUsed(CACHED_SCHEMAS);
    private static final JsonSchemaFactory FACTORY = withValidatorLoader(() -> JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012));
    private static volatile JsonSchema meta;

    private JsonSchemas() {
    }

    /**
     * Checks a run's input against the workflow's {@code inputs} schema.
     *
     * @throws ProblemException an invalid-request problem listing every mismatch
     */
    public static void checkRunInput(Map<String, Object> schema, Map<String, Object> inputs) {
        List<String> errors = mismatches(schema, inputs == null ? Map.of() : inputs);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.INVALID_REQUEST, "The run's input does not fit the workflow's input schema: "
                    + String.join("; ", errors)).with("errors", errors));
        }
    }

    /**
     * How {@code value} (a JSON tree of maps, lists and scalars) does not fit {@code schema}; empty when it fits or there is no schema.
     * The schema is one without {@link #schemaProblems}.
     */
    public static List<String> mismatches(Map<String, Object> schema, Object value) {
        if (schema == null || schema.isEmpty()) {
            return List.of();
        }
        List<String> outOfRange = new ArrayList<>();
        nonFinite(value, "$", outOfRange);
        if (!outOfRange.isEmpty()) {
            return outOfRange; // JSON has no infinity, and the validator cannot compare one
        }
        JsonSchema compiled = compiled(schema);
        return withValidatorLoader(() -> compiled.validate(JSON.valueToTree(value)).stream()
                .map(ValidationMessage::getMessage).sorted().toList());
    }

    /** The places of numbers too large for a double: a JSON reader makes infinities of them, or big integers the validator reads as doubles. */
    private static void nonFinite(Object value, String path, List<String> found) {
        if (value instanceof Number number && !(value instanceof Integer || value instanceof Long) && !Double.isFinite(number.doubleValue())) {
            found.add(path + ": the number is " + value + "; numbers are at most " + Double.MAX_VALUE + " in size");
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> nonFinite(item, path + "." + key, found));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                nonFinite(list.get(i), path + "[" + i + "]", found);
            }
        }
    }

    /**
     * What is wrong with a schema itself, checked against the draft 2020-12 meta-schema and then
     * compiled with its references resolved (a {@code $ref} to nothing, or an {@code $id} that is
     * not a URI, fit the meta-schema); empty when it is valid, and then {@link #mismatches} can use it.
     */
    public static List<String> schemaProblems(Map<String, Object> schema) {
        List<String> outOfRange = new ArrayList<>();
        nonFinite(schema, "$", outOfRange);
        if (!outOfRange.isEmpty()) {
            return outOfRange;
        }
        List<String> problems = withValidatorLoader(() -> meta().validate(JSON.valueToTree(schema)).stream()
                .map(ValidationMessage::getMessage).sorted().toList());
        if (!problems.isEmpty() || schema == null || schema.isEmpty()) {
            return problems;
        }
        try {
            withValidatorLoader(() -> {
                compiled(schema).initializeValidators();
                return null;
            });
            return List.of();
        } catch (JsonSchemaException | IllegalArgumentException e) {
            COMPILED.remove(schema);
            return List.of("the schema cannot be used: " + e.getMessage());
        }
    }

    /** How many compiled schemas are cached now. */
    static int cached() {
        return COMPILED.size();
    }

    private static JsonSchema compiled(Map<String, Object> schema) {
        JsonSchema compiled = COMPILED.get(schema);
        if (compiled == null) {
            compiled = withValidatorLoader(() -> FACTORY.getSchema(JSON.valueToTree(schema)));
            COMPILED.put(schema, compiled);
        }
        return compiled;
    }

    private static JsonSchema meta() {
        JsonSchema loaded = meta;
        if (loaded == null) {
            loaded = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012));
            meta = loaded;
        }
        return loaded;
    }

    /**
     * Runs {@code work} with the validator's own class loader as the context class loader: it loads
     * its meta-schemas as resources through that loader, which in OSGi is some other bundle's.
     */
    private static <T> T withValidatorLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JsonSchemaFactory.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
