package dev.conflux.workflow.internal.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import dev.conflux.api.workflow.RunState;

/** Announces run and step transitions on {@code conflux/workflow/run/<STATE>} and {@code .../step/<STATE>}. */
final class RunEvents {

    private final RunEngine.Events events;

    RunEvents(RunEngine.Events events) {
        this.events = events;
    }

    /** A run's transition to {@code state}, decided earlier (the run may have moved on since). */
    void run(ActiveRun run, RunState state, RunState before) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(EventProperties.RUN_ID, run.runId);
        properties.put(EventProperties.WORKFLOW_ID, run.definition.id());
        properties.put(EventProperties.WORKFLOW_VERSION, run.version);
        properties.put(EventProperties.STATE, state.name());
        if (before != null) {
            properties.put(EventProperties.PREVIOUS_STATE, before.name());
        }
        if (run.endedAt != null && state.isFinished()) {
            properties.put(EventProperties.DURATION_MS, Duration.between(run.createdAt, run.endedAt).toMillis());
        }
        if (run.error != null && state == RunState.FAILED) {
            properties.put(EventProperties.ERROR, run.error);
        }
        properties.put(EventProperties.TIMESTAMP, System.currentTimeMillis());
        events.publish(ConfluxTopics.runTopic(state.name()), properties);
    }

    void step(ActiveRun run, StepRecord step) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(EventProperties.RUN_ID, run.runId);
        properties.put(EventProperties.WORKFLOW_ID, run.definition.id());
        properties.put(EventProperties.WORKFLOW_VERSION, run.version);
        properties.put(EventProperties.STEP_ID, step.definition.id());
        properties.put(EventProperties.STEP_TYPE, step.definition.type());
        if (step.item != null) {
            properties.put(EventProperties.ITEM_INDEX, step.item);
        }
        properties.put(EventProperties.ATTEMPT, step.attempt);
        properties.put(EventProperties.STATE, step.state.name());
        if (step.endedAt != null && step.startedAt != null) {
            properties.put(EventProperties.DURATION_MS, Duration.between(step.startedAt, step.endedAt).toMillis());
        }
        if (step.error != null) {
            properties.put(EventProperties.ERROR, step.error);
        }
        properties.put(EventProperties.TIMESTAMP, System.currentTimeMillis());
        events.publish(ConfluxTopics.stepTopic(step.state.name()), properties);
    }
}
