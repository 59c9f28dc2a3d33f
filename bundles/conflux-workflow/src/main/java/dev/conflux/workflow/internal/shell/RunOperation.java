package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowService;

/** A command that changes one run's state and prints the outcome, or why it could not. */
abstract class RunOperation implements Action {

    @Reference
    WorkflowService workflows;

    protected abstract RunView apply();

    @Override
    public Object execute() {
        RunView run = apply();
        System.out.println("Run " + run.runId() + " is " + run.state());
        return null;
    }
}
