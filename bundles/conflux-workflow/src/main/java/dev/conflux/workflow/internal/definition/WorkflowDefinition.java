package dev.conflux.workflow.internal.definition;

import java.util.List;
import java.util.Map;

/**
 * A parsed, valid workflow document.
 *
 * @param id the workflow id
 * @param description for humans, may be empty
 * @param inputSchema the JSON Schema of a run's input, as a JSON tree; empty when none is given
 * @param triggers what starts runs besides the API
 * @param steps the steps, in document order
 * @param onFailure the steps that run when a run fails
 * @param timeout how long a whole run may take; {@code null} for no limit
 */
public record WorkflowDefinition(String id, String description, Map<String, Object> inputSchema,
        List<Trigger> triggers, List<StepDefinition> steps, List<StepDefinition> onFailure, java.time.Duration timeout) {

    public WorkflowDefinition {
        inputSchema = inputSchema == null ? Map.of() : inputSchema;
        triggers = List.copyOf(triggers);
        steps = List.copyOf(steps);
        onFailure = List.copyOf(onFailure);
    }
}
