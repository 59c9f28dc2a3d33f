package dev.conflux.workflow.internal.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;

/**
 * Checks a run's input against the workflow's {@code inputs} JSON Schema (draft 2020-12, with
 * networknt's json-schema-validator); compiled schemas are kept, as workflow versions never change.
 */
public final class InputCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Map<String, Object>, JsonSchema> COMPILED = new ConcurrentHashMap<>();

    private InputCheck() {
    }

    static void check(Map<String, Object> schema, Map<String, Object> inputs) {
        if (schema == null || schema.isEmpty()) {
            return;
        }
        JsonSchema compiled = COMPILED.computeIfAbsent(schema, s -> factory().getSchema(JSON.valueToTree(s)));
        Set<ValidationMessage> messages = compiled.validate(JSON.valueToTree(inputs == null ? Map.of() : inputs));
        if (!messages.isEmpty()) {
            List<String> errors = messages.stream().map(ValidationMessage::getMessage).sorted().toList();
            throw new ProblemException(Problem.of(ProblemType.INVALID_REQUEST, "The run's input does not fit the workflow's input schema: "
                    + String.join("; ", errors)).with("errors", errors));
        }
    }

    /** What is wrong with a schema itself, checked against the draft 2020-12 meta-schema; empty when it is valid. */
    public static List<String> schemaProblems(Map<String, Object> schema) {
        JsonSchema meta = factory().getSchema(SchemaLocation.of(SchemaId.V202012));
        return meta.validate(JSON.valueToTree(schema)).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static JsonSchemaFactory factory() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the validator loads its meta-schemas as resources of its own bundle
        thread.setContextClassLoader(JsonSchemaFactory.class.getClassLoader());
        try {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
