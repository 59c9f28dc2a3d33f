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
     * Starts a run of a workflow's current version.
     *
     * @param inputs the run's input, checked against the workflow's input schema
     * @param trigger what starts it: {@code api}, {@code cron}, {@code event}, {@code webhook}
     * @return the run as stored, PENDING or RUNNING
     * @throws dev.conflux.api.problem.ProblemException 404 when no such workflow is deployed, 400 when the input is invalid
     */
    RunView startRun(String workflowId, java.util.Map<String, Object> inputs, String trigger);

    /** A run with its steps, or empty. */
    Optional<RunView> getRun(String runId);

    /**
     * Runs, newest first, without their steps.
     *
     * @param workflowId only this workflow's runs, or {@code null}
     * @param state only runs in this state, or {@code null}
     * @param since only runs started at or after this time, or {@code null}
     */
    Page<RunView> listRuns(String workflowId, RunState state, java.time.Instant since, int offset, int limit);

    /** What the run's steps logged, oldest first. */
    java.util.List<RunLogLine> runLogs(String runId, int offset, int limit);

    /** Lets running steps finish and starts no new one. 409 unless the run is RUNNING. */
    RunView pause(String runId);

    /** Continues a paused run. 409 unless the run is PAUSED. */
    RunView resume(String runId);

    /** Cancels running steps; nothing else runs, onFailure steps neither. 409 when the run is finished. */
    RunView cancel(String runId);

    /** Restarts a failed or cancelled run from the steps that did not succeed. 409 otherwise. */
    RunView retry(String runId);

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
