package dev.conflux.platform.internal.rest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.Problem;

public class JsonErrorMapperTest {

    private final ObjectMapper mapper = ConfluxJsonProvider.mapper();

    public record Order(String id, int quantity) {
    }

    @Test
    public void malformedJsonNamesLineAndColumn() {
        Problem problem = problemFor("{\n  \"id\": \"o-1\",\n  \"quantity\": 3,,\n}", Order.class);
        assertEquals(400, problem.status());
        Map<?, ?> error = (Map<?, ?>) ((List<?>) problem.extensions().get("errors")).get(0);
        assertEquals(3, error.get("line"));
        assertTrue(problem.detail(), problem.detail().contains("line 3, column"));
    }

    @Test
    public void unknownPropertiesAreRejectedWithTheKnownOnes() {
        Problem problem = problemFor("{\"id\": \"o-1\", \"quantity\": 3, \"qty\": 3}", Order.class);
        assertTrue(problem.detail(), problem.detail().contains("unknown property 'qty'"));
        assertTrue(problem.detail(), problem.detail().contains("known: id, quantity"));
    }

    @Test
    public void wrongTypesNameThePath() {
        Problem problem = problemFor("{\"id\": \"o-1\", \"quantity\": \"many\"}", Order.class);
        Map<?, ?> error = (Map<?, ?>) ((List<?>) problem.extensions().get("errors")).get(0);
        assertEquals("quantity", error.get("path"));
        assertFalse("no class names for clients", problem.detail().contains("java.lang"));
    }

    @Test
    public void jacksonsAdviceToProgrammersIsNotPassedOn() {
        Problem problem = problemFor("{\"id\": \"o-1\"}", Order.class);
        assertFalse(problem.detail(), problem.detail().contains("DeserializationFeature"));
        assertTrue(problem.detail(), problem.detail().contains("Cannot map `null` into type `int`"));
    }

    @Test
    public void nestingIsBounded() {
        String deep = "[".repeat(ConfluxJsonProvider.MAX_NESTING + 5) + "]".repeat(ConfluxJsonProvider.MAX_NESTING + 5);
        Problem problem = problemFor(deep, Object.class);
        assertTrue(problem.detail(), problem.detail().contains("nesting"));
    }

    private Problem problemFor(String json, Class<?> type) {
        try {
            mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            return JsonErrorMapper.problem(e);
        }
        throw new AssertionError("expected " + json + " to be refused");
    }
}
