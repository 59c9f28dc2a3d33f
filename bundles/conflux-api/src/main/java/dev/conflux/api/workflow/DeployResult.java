package dev.conflux.api.workflow;

import java.util.List;

/**
 * What a deployment did.
 *
 * @param id the workflow id
 * @param version the version now current
 * @param created whether this deployment made a new version ({@code false} when the document was
 *     the same as the current version's)
 * @param warnings findings that do not stop the deployment (a step type no bundle provides yet)
 */
public record DeployResult(String id, int version, boolean created, List<ValidationMessage> warnings) {

    public DeployResult {
        warnings = List.copyOf(warnings);
    }
}
