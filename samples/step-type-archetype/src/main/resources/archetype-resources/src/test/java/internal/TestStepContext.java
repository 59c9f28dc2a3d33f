package ${package}.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.conflux.api.step.Cancellation;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepLogger;

/** What the engine would hand a step, for one attempt with the given inputs; it keeps the log lines. */
final class TestStepContext implements StepContext {

    private final Map<String, Object> inputs;
    private final List<String> logLines = new ArrayList<>();

    TestStepContext(Map<String, Object> inputs) {
        this.inputs = inputs;
    }

    /** The lines the step logged, each as "LEVEL message". */
    List<String> logLines() {
        return logLines;
    }

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
        return "step-1";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public String idempotencyKey() {
        return runId() + "/" + stepId();
    }

    @Override
    public StepLogger logger() {
        return (level, message) -> logLines.add(level + " " + message);
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
                // never cancelled
            }
        };
    }
}
