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
        JsonSchema compiled = COMPILED.computeIfAbsent(schema, s -> withValidatorLoader(() -> FACTORY.getSchema(JSON.valueToTree(s))));
        Set<ValidationMessage> messages = withValidatorLoader(() -> compiled.validate(JSON.valueToTree(inputs == null ? Map.of() : inputs)));
        if (!messages.isEmpty()) {
            List<String> errors = messages.stream().map(ValidationMessage::getMessage).sorted().toList();
            throw new ProblemException(Problem.of(ProblemType.INVALID_REQUEST, "The run's input does not fit the workflow's input schema: "
                    + String.join("; ", errors)).with("errors", errors));
        }
    }

    /** What is wrong with a schema itself, checked against the draft 2020-12 meta-schema; empty when it is valid. */
    public static List<String> schemaProblems(Map<String, Object> schema) {
        return withValidatorLoader(() -> META.get().validate(JSON.valueToTree(schema)).stream()
                .map(ValidationMessage::getMessage).sorted().toList());
    }

    private static final JsonSchemaFactory FACTORY = withValidatorLoader(() -> JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012));
    private static final java.util.function.Supplier<JsonSchema> META = new java.util.function.Supplier<>() {
        private volatile JsonSchema meta;

        @Override
        public JsonSchema get() {
            JsonSchema loaded = meta;
            if (loaded == null) {
                loaded = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012));
                meta = loaded;
            }
            return loaded;
        }
    };

    /**
     * Runs {@code work} with the validator's own class loader as the context class loader: it loads
     * its meta-schemas as resources through that loader, which in OSGi is some other bundle's.
     */
    private static <T> T withValidatorLoader(java.util.function.Supplier<T> work) {
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
