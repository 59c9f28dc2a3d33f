package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

import org.apache.karaf.shell.api.action.Command;

import dev.conflux.api.security.AuditTrail;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowService;

/** A command that changes one run's state and prints the outcome, or why it could not. */
abstract class RunOperation implements Action {

    @Reference
    WorkflowService workflows;

    @Reference(optional = true)
    AuditTrail audit;

    protected abstract RunView apply();

    /** The run the command acts on. */
    protected abstract String runId();

    @Override
    public Object execute() throws Exception {
        RunView run = ShellAudit.record(audit, "workflow." + getClass().getAnnotation(Command.class).name(), runId(),
                this::apply);
        System.out.println("Run " + run.runId() + " is " + run.state());
        return null;
    }
}
