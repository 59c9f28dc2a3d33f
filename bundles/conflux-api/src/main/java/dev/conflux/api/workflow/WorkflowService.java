package dev.conflux.api.workflow;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The workflow engine. Every face calls this one service; errors are
 * {@link dev.conflux.api.problem.ProblemException}s whose problem says what is wrong.
 */
@ProviderType
public interface WorkflowService {

    /** Checks a document without storing anything. */
    ValidationReport validate(String source);

    /**
     * Validates and stores a document. Deploying an id again makes a new version, unless the
     * document is the same as the current version's; runs keep the version they started with.
     *
     * @param source the YAML or JSON document
     * @param origin where it came from: {@code api}, {@code file:<name>}, {@code bundle:<name>}
     * @throws WorkflowValidationException listing every error; nothing is stored
     */
    DeployResult deploy(String source, String origin);

    /** The deployed workflows, by id. */
    Page<WorkflowSummary> list(int offset, int limit);

    /** One deployed workflow with its versions, or empty when no workflow has that id. */
    Optional<WorkflowDetails> get(String id);

    /** One version's document, or empty. */
    Optional<String> source(String id, int version);

    /**
     * Removes a workflow: it can no longer be started, and its versions stay for the runs that use them.
     *
     * @return whether a deployed workflow had that id
     */
    boolean undeploy(String id);

    /**
     * The outcome of {@link #validate}.
     *
     * @param id the document's id when it could be read
     * @param errors what makes the document invalid
     * @param warnings what may need attention but does not stop a deployment
     */
    record ValidationReport(String id, java.util.List<ValidationMessage> errors, java.util.List<ValidationMessage> warnings) {

        public ValidationReport {
            errors = java.util.List.copyOf(errors);
            warnings = java.util.List.copyOf(warnings);
        }

        public boolean valid() {
            return errors.isEmpty();
        }
    }
}
