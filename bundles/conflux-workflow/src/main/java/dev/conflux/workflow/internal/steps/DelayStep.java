package dev.conflux.workflow.internal.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.workflow.internal.definition.Durations;

/** {@code delay}: waits for a duration ({@code {duration: 5s}}) as a WAITING step: no worker is held, and a restart keeps the end time. */
@Component(property = StepType.TYPE_PROPERTY + "=delay")
public class DelayStep implements StepType {

    /** Longer waits belong in a schedule (a cron trigger). */
    static final Duration LONGEST = Duration.ofDays(30);
    private static final String UNTIL = "until";

    @Override
    public String name() {
        return "delay";
    }

    @Override
    public String description() {
        return "Waits for a duration (up to 30 days) without holding a worker, e.g. {duration: 5s}; the wait survives a restart.";
    }

    @Override
    public Map<String, Object> inputSchema() {
        return Map.of("type", "object", "required", List.of("duration"), "properties",
                Map.of("duration", Map.of("type", "string", "examples", List.of("250ms", "5s", "2m", "3d"))));
    }

    @Override
    public StepResult execute(StepContext context) {
        Object until = context.resumeState().get(UNTIL);
        if (until instanceof String text) {
            Instant end = Instant.parse(text);
            // woken early (a restart, a resumed pause): park again for what is left
            return Instant.now().isBefore(end) ? StepResult.resumeAt(end, Map.of(UNTIL, text))
                    : StepResult.success(Map.of("until", text));
        }
        Duration duration;
        try {
            duration = Durations.parse(String.valueOf(context.inputs().get("duration")));
        } catch (IllegalArgumentException e) {
            return StepResult.permanentFailure("'duration': " + e.getMessage());
        }
        if (duration.compareTo(LONGEST) > 0) {
            return StepResult.permanentFailure("'duration' may be at most 30 days; use a cron trigger for longer waits");
        }
        Instant end = Instant.now().plus(duration);
        return StepResult.resumeAt(end, Map.of(UNTIL, end.toString()));
    }
}
