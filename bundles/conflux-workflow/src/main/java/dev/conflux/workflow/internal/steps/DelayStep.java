package dev.conflux.workflow.internal.steps;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.workflow.internal.definition.Durations;

/** {@code delay}: waits for a duration ({@code {duration: 5s}}), returning early when cancelled. */
@Component(property = StepType.TYPE_PROPERTY + "=delay")
public class DelayStep implements StepType {

    /** Longer waits belong in a schedule (a cron trigger), not in a step that holds a worker. */
    static final Duration LONGEST = Duration.ofHours(1);

    @Override
    public String name() {
        return "delay";
    }

    @Override
    public String description() {
        return "Waits for a duration (up to 1h), e.g. {duration: 5s}.";
    }

    @Override
    public Map<String, Object> inputSchema() {
        return Map.of("type", "object", "required", List.of("duration"), "properties",
                Map.of("duration", Map.of("type", "string", "examples", List.of("250ms", "5s", "2m"))));
    }

    @Override
    public StepResult execute(StepContext context) throws InterruptedException {
        Duration duration;
        try {
            duration = Durations.parse(String.valueOf(context.inputs().get("duration")));
        } catch (IllegalArgumentException e) {
            return StepResult.permanentFailure("'duration': " + e.getMessage());
        }
        if (duration.compareTo(LONGEST) > 0) {
            return StepResult.permanentFailure("'duration' may be at most 1h; use a cron trigger for longer waits");
        }
        long deadline = System.nanoTime() + duration.toNanos();
        while (!context.cancellation().isCancelled()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return StepResult.success(Map.of("waitedMillis", duration.toMillis()));
            }
            Thread.sleep(Math.min(Duration.ofNanos(left).toMillis() + 1, 100));
        }
        return StepResult.permanentFailure("cancelled while waiting");
    }
}
