package dev.conflux.api.workflow;

import java.time.Instant;

/**
 * A deployed workflow, as lists show it.
 *
 * @param id the workflow id
 * @param version the current version
 * @param description the current version's description
 * @param origin where the current version came from: {@code api}, {@code file:<name>}, {@code bundle:<name>}
 * @param deployedAt when the current version was deployed
 * @param steps how many steps the current version has
 */
public record WorkflowSummary(String id, int version, String description, String origin, Instant deployedAt, int steps) {
}
