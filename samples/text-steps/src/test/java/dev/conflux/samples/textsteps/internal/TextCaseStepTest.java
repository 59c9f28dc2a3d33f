package dev.conflux.samples.textsteps.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import org.junit.Test;

import dev.conflux.api.step.Cancellation;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepLogger;
import dev.conflux.api.step.StepResult;

public class TextCaseStepTest {

    private final TextCaseStep step = new TextCaseStep();

    @Test
    public void changesCaseByMode() {
        assertEquals(Map.of("text", "HELLO WORLD", "length", 11), output(Map.of("text", "hello world")));
        assertEquals("hello", output(Map.of("text", "HeLLo", "mode", "lower")).get("text"));
        assertEquals("Hello Big World", output(Map.of("text", "hELLO big world", "mode", "title")).get("text"));
    }

    @Test
    public void badInputIsAPermanentFailureThatSaysWhy() {
        StepResult.Failure noText = (StepResult.Failure) step.execute(context(Map.of("mode", "upper")));
        assertEquals(false, noText.retryable());
        assertTrue(noText.message(), noText.message().contains("'text' must be a string, got nothing"));
        StepResult.Failure badMode = (StepResult.Failure) step.execute(context(Map.of("text", "x", "mode", "shout")));
        assertTrue(badMode.message(), badMode.message().contains("[upper, lower, title]"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> output(Map<String, Object> inputs) {
        return (Map<String, Object>) ((StepResult.Success) step.execute(context(inputs))).output();
    }

    private static StepContext context(Map<String, Object> inputs) {
        return new StepContext() {
            @Override
            public Map<String, Object> inputs() {
                return inputs;
            }

            @Override
            public String runId() {
                return "run-1";
            }

            @Override
            public String stepId() {
                return "shout";
            }

            @Override
            public int attempt() {
                return 1;
            }

            @Override
            public String idempotencyKey() {
                return "run-1/shout";
            }

            @Override
            public StepLogger logger() {
                return (level, message) -> { };
            }

            @Override
            public Cancellation cancellation() {
                return new Cancellation() {
                    @Override
                    public boolean isCancelled() {
                        return false;
                    }

                    @Override
                    public void onCancel(Runnable action) {
                    }
                };
            }
        };
    }
}
