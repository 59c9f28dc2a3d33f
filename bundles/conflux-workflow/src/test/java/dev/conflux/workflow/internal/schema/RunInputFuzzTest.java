package dev.conflux.workflow.internal.schema;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import dev.conflux.workflow.internal.definition.DocumentMutator;

/**
 * Mutated input schemas and mutated run inputs, read as the REST face reads JSON: a schema is
 * either valid or has problems listed by {@link JsonSchemas#schemaProblems}; a run's input against
 * a valid schema either fits or is refused with an invalid-request problem listing the mismatch.
 * Nothing else may come out. One run uses a fixed seed and one from the clock.
 */
public class RunInputFuzzTest {

    static final long FIXED_SEED = 0x1_0F_5EEDL;
    static final int SCHEMAS_PER_SEED = 1_500;
    static final int INPUTS_PER_SCHEMA = 8;

    private static final String SCHEMA = """
            {
              "type": "object",
              "required": ["orderId"],
              "properties": {
                "orderId": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^o-[0-9]+$"},
                "count": {"type": "integer", "minimum": 0, "maximum": 100, "multipleOf": 1},
                "price": {"type": "number", "exclusiveMinimum": 0},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "rush"]}, "uniqueItems": true, "maxItems": 3},
                "when": {"type": "string", "format": "date-time"},
                "address": {"$ref": "#/$defs/address"},
                "kind": {"oneOf": [{"const": "retail"}, {"const": "wholesale"}]}
              },
              "additionalProperties": false,
              "$defs": {
                "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
              }
            }
            """;
    private static final String INPUT = """
            {
              "orderId": "o-17",
              "count": 3,
              "price": 9.5,
              "tags": ["a", "rush"],
              "when": "2024-06-11T10:15:30Z",
              "address": {"city": "Lyon"},
              "kind": "retail"
            }
            """;
    /** Mostly numbers, so that their mutations meet the numeric keywords often. */
    private static final String NUMBERS = "{\"orderId\": \"o-5\", \"count\": 10, \"price\": 0.5}";
    /** As the REST face reads request bodies: plain Jackson, nesting bounded. */
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build());
    }

    @Test
    public void theSeedInputFitsTheSeedSchema() throws JsonProcessingException {
        assertTrue(JsonSchemas.schemaProblems(map(SCHEMA)).isEmpty());
        JsonSchemas.checkRunInput(map(SCHEMA), map(INPUT));
        JsonSchemas.checkRunInput(map(SCHEMA), map(NUMBERS));
    }

    @Test
    public void mutatedSchemasAndInputsOnlyFitOrAreRefusedWithTheMismatch() throws JsonProcessingException {
        long clockSeed = System.currentTimeMillis();
        Map<String, String> failures = new LinkedHashMap<>();
        int[] counts = new int[3];
        for (long seed : new long[] {FIXED_SEED, clockSeed}) {
            fuzz(seed, failures, counts);
        }
        System.out.println("RunInputFuzzTest: " + counts[0] + " valid mutated schemas, " + counts[1] + " inputs that fit, "
                + counts[2] + " refused (seeds " + FIXED_SEED + "L, " + clockSeed + "L)");
        assertTrue(counts[0] + " valid schemas", counts[0] > SCHEMAS_PER_SEED / 10);
        assertTrue(counts[1] + " fit, " + counts[2] + " refused", counts[1] > 0 && counts[2] > 0);
        if (!failures.isEmpty()) {
            fail(failures.size() + " kinds of failure (the first of each):\n\n" + String.join("\n\n", failures.values()));
        }
    }

    private static void fuzz(long seed, Map<String, String> failures, int[] counts) throws JsonProcessingException {
        DocumentMutator mutator = new DocumentMutator(seed);
        Map<String, Object> seedSchema = map(SCHEMA);
        for (int i = 0; i < SCHEMAS_PER_SEED; i++) {
            DocumentMutator.Mutant schemaMutant = mutator.mutate("schema", SCHEMA);
            Map<String, Object> schema = i % 4 == 0 ? seedSchema : orNull(schemaMutant.document());
            if (schema == null) {
                continue; // not a JSON object: the REST face refuses it before any schema sees it
            }
            List<String> problems;
            try {
                problems = JsonSchemas.schemaProblems(schema);
            } catch (RuntimeException | StackOverflowError e) {
                failures.putIfAbsent(kind("schemaProblems", e), report(seed, i, "schemaProblems threw", e, schemaMutant, null));
                continue;
            }
            if (!problems.isEmpty()) {
                continue; // not deployable: the definition parser reports these problems
            }
            counts[0]++;
            for (int j = 0; j < INPUTS_PER_SCHEMA; j++) {
                DocumentMutator.Mutant inputMutant = j % 2 == 0 ? mutator.mutate("input", INPUT) : mutator.mutate("numbers", NUMBERS);
                Object value = treeOrNull(inputMutant.document());
                try {
                    JsonSchemas.mismatches(schema, value);
                    if (value instanceof Map<?, ?> || value == null) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> inputs = (Map<String, Object>) value;
                        JsonSchemas.checkRunInput(schema, inputs);
                        counts[1]++;
                    }
                } catch (ProblemException e) {
                    counts[2]++;
                    @SuppressWarnings("unchecked")
                    List<String> errors = (List<String>) e.problem().extensions().get("errors");
                    if (!ProblemType.INVALID_REQUEST.uri().equals(e.problem().type()) || errors == null || errors.isEmpty()
                            || errors.stream().anyMatch(error -> error.isBlank() || !e.getMessage().contains(error))) {
                        failures.putIfAbsent("problem", report(seed, i, "a problem that does not list the mismatch: " + e.problem(), null,
                                schemaMutant, inputMutant));
                    }
                } catch (RuntimeException | StackOverflowError e) {
                    failures.putIfAbsent(kind("checkRunInput", e), report(seed, i, "the input check threw", e, schemaMutant, inputMutant));
                }
            }
        }
    }

    private static Map<String, Object> map(String json) throws JsonProcessingException {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.readValue(json, Map.class);
        return map;
    }

    private static Map<String, Object> orNull(String json) {
        return treeOrNull(json) instanceof Map<?, ?> ? readOrNull(json) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readOrNull(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The JSON value, or null when the text is not JSON (then checked as an absent input). */
    private static Object treeOrNull(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String kind(String where, Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        return where + " " + e.getClass().getName() + (frames.length == 0 ? "" : " at " + frames[0]);
    }

    private static String report(long seed, int index, String what, Throwable e, DocumentMutator.Mutant schema, DocumentMutator.Mutant input) {
        StringWriter trace = new StringWriter();
        if (e != null) {
            e.printStackTrace(new PrintWriter(trace));
        }
        String stack = trace.toString();
        return "fuzz seed " + seed + "L, schema mutant #" + index + " (replay: new DocumentMutator(" + seed + "L)): " + what + "\n"
                + (stack.length() > 4_000 ? stack.substring(0, 4_000) + "..." : stack) + "\nschema: " + schema
                + (input == null ? "" : "\ninput: " + input);
    }
}
