package dev.conflux.workflow.internal;

import java.util.Map;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

/** Step types for tests: a name, an input schema and what the step does. */
public final class TestStepTypes {

    /** What a test step does when it runs. */
    @FunctionalInterface
    public interface Body {
        StepResult run(StepContext context) throws InterruptedException;
    }

    private TestStepTypes() {
    }

    /** A step type that accepts any object. */
    public static StepType of(String name, Body body) {
        return of(name, Map.of("type", "object"), body);
    }

    public static StepType of(String name, Map<String, Object> inputSchema, Body body) {
        return new StepType() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return name;
            }

            @Override
            public Map<String, Object> inputSchema() {
                return inputSchema;
            }

            @Override
            public StepResult execute(StepContext context) throws InterruptedException {
                return body.run(context);
            }
        };
    }
}
