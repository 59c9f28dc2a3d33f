package dev.conflux.api.workflow;

import java.util.List;
import java.util.Map;

/**
 * One workflow: its current version's document and every version deployed so far.
 *
 * @param summary the current version
 * @param source the current version's document, as deployed
 * @param versions every version, oldest first
 * @param runCounts runs of this workflow by state name (empty until runs exist)
 * @param warnings findings about the current version now (a step type no bundle provides)
 */
public record WorkflowDetails(WorkflowSummary summary, String source, List<WorkflowSummary> versions,
        Map<String, Long> runCounts, List<ValidationMessage> warnings) {

    public WorkflowDetails {
        versions = List.copyOf(versions);
        runCounts = Map.copyOf(runCounts);
        warnings = List.copyOf(warnings);
    }
}
