package dev.conflux.workflow.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;

/**
 * Checks a run's input against the top level of the workflow's input schema: the required
 * properties are there, each declared property has its declared JSON type, and no undeclared
 * property is given when {@code additionalProperties: false}. Nested schemas are not checked.
 */
final class InputCheck {

    private InputCheck() {
    }

    static void check(Map<String, Object> schema, Map<String, Object> inputs) {
        if (schema == null || schema.isEmpty()) {
            return;
        }
        Map<String, Object> given = inputs == null ? Map.of() : inputs;
        List<String> errors = new ArrayList<>();
        if (schema.get("required") instanceof List<?> required) {
            for (Object name : required) {
                if (!given.containsKey(String.valueOf(name))) {
                    errors.add("'" + name + "' is required");
                }
            }
        }
        Map<?, ?> properties = schema.get("properties") instanceof Map<?, ?> map ? map : Map.of();
        for (Map.Entry<String, Object> entry : given.entrySet()) {
            Object declared = properties.get(entry.getKey());
            if (declared == null) {
                if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
                    errors.add("'" + entry.getKey() + "' is not an input of this workflow; its inputs are " + properties.keySet());
                }
                continue;
            }
            if (declared instanceof Map<?, ?> property && property.get("type") instanceof String type
                    && !matches(type, entry.getValue())) {
                errors.add("'" + entry.getKey() + "' must be " + article(type) + " " + type + ", got " + describe(entry.getValue()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.INVALID_REQUEST, "The run's input does not fit the workflow's input schema: "
                    + String.join("; ", errors)).with("errors", errors));
        }
    }

    private static boolean matches(String type, Object value) {
        return switch (type) {
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger
                    || value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "object" -> value instanceof Map;
            case "array" -> value instanceof List;
            case "null" -> value == null;
            default -> true;
        };
    }

    private static String article(String type) {
        return type.matches("[aeiou].*") ? "an" : "a";
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String kind = value instanceof String ? "a string" : value instanceof Boolean ? "a boolean" : value instanceof Number ? "a number"
                : value instanceof Map ? "an object" : value instanceof List ? "an array" : value.getClass().getSimpleName();
        return kind;
    }
}
