package dev.conflux.api.workflow;

import java.time.Instant;

/**
 * A line a step logged, or the engine logged about a run.
 *
 * @param at when
 * @param stepId the step that wrote it; empty for the engine's own lines
 * @param level DEBUG, INFO, WARN or ERROR
 * @param message the text
 */
public record RunLogLine(Instant at, String stepId, String level, String message) {
}
