package dev.conflux.workflow.internal.definition;

import java.time.Duration;
import java.util.List;

/**
 * One step of a workflow.
 *
 * @param id unique within the workflow
 * @param type the step type's name, provided by a {@code StepType} service
 * @param needs the ids of the steps that must be done before this one starts
 * @param with the input, a JSON-like tree whose strings may hold {@code ${...}} expressions
 * @param when an expression; false skips the step
 * @param foreach an expression giving a list; the step runs once per item
 * @param concurrency how many items of a foreach run at once
 * @param retry what to do when an attempt fails
 * @param timeout how long one attempt may take; {@code null} for no limit
 * @param continueOnError whether the run goes on when this step fails
 * @param line the step's line in the document, 1-based
 * @param column the step's column in the document, 1-based
 */
public record StepDefinition(String id, String type, List<String> needs, Object with, String when, String foreach,
        int concurrency, RetryPolicy retry, Duration timeout, boolean continueOnError, int line, int column) {

    public StepDefinition {
        needs = List.copyOf(needs);
    }
}
