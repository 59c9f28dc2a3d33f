package dev.conflux.workflow.internal.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a run's expressions read: {@code inputs}, {@code steps.<id>}, {@code run}, {@code item}. */
final class RunVariables {

    private RunVariables() {
    }

    /** The variables for a step's expressions ({@code current} null for the run's own: {@code when}, {@code foreach}). */
    static Map<String, Object> of(ActiveRun run, StepRecord current) {
        Map<String, Object> steps = new LinkedHashMap<>();
        for (StepRecord step : run.steps.values()) {
            if (step.item == null && step.state.isFinished()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("output", step.output);
                entry.put("state", step.state.name());
                entry.put("error", step.error);
                steps.put(step.definition.id(), entry);
            }
        }
        Map<String, Object> runInfo = new LinkedHashMap<>();
        runInfo.put("id", run.runId);
        runInfo.put("workflow", run.definition.id());
        runInfo.put("version", run.version);
        runInfo.put("attempt", current == null ? 0 : current.attempt + 1);
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("inputs", run.inputs);
        variables.put("steps", steps);
        variables.put("run", runInfo);
        variables.put("item", current == null ? null : current.itemValue);
        return variables;
    }

    /** How a {@code when} value counts: false, null, 0, "", "false" and empty collections are false. */
    static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value == null) {
            return false;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty() && !"false".equalsIgnoreCase(s);
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
