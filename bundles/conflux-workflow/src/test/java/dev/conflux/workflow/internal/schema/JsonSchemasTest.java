package dev.conflux.workflow.internal.schema;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.conflux.api.problem.ProblemException;

public class JsonSchemasTest {

    @Test
    public void aSchemaWhoseReferencesCannotBeResolvedHasAProblem() {
        List<String> problems = JsonSchemas.schemaProblems(Map.of("type", "object", "properties", Map.of("a", Map.of("$ref", "#/$defs/none"))));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0), problems.get(0).startsWith("the schema cannot be used: "));
        assertEquals(1, JsonSchemas.schemaProblems(Map.of("type", "object", "$id", "\u3000")).size());
    }

    @Test
    public void aNumberTooLargeForADoubleIsAMismatch() {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("p", Map.of("type", "number", "minimum", 0)));
        ProblemException refused = assertThrows(ProblemException.class,
                () -> JsonSchemas.checkRunInput(schema, Map.of("p", List.of(Double.POSITIVE_INFINITY))));
        assertTrue(refused.getMessage(), refused.getMessage().contains("$.p[0]: the number is Infinity"));
        assertThrows(ProblemException.class, () -> JsonSchemas.checkRunInput(schema, Map.of("p", java.math.BigInteger.TEN.pow(400))));
    }
}
