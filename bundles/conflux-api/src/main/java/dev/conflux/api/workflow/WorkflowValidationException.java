package dev.conflux.api.workflow;

import java.util.List;

import dev.conflux.api.problem.Problem;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;

/** A workflow document has errors; nothing of it was stored. Carries every error, not just the first. */
public class WorkflowValidationException extends ProblemException {

    private static final long serialVersionUID = 1L;

    private final transient List<ValidationMessage> errors;

    public WorkflowValidationException(List<ValidationMessage> errors) {
        super(Problem.of(ProblemType.VALIDATION_FAILED, summary(errors))
                .with("errors", errors.stream().map(ValidationMessage::toMap).toList()));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationMessage> errors() {
        return errors;
    }

    private static String summary(List<ValidationMessage> errors) {
        if (errors.size() == 1) {
            return "The workflow has an error: " + errors.get(0);
        }
        return "The workflow has " + errors.size() + " errors; the first: " + errors.get(0);
    }
}
