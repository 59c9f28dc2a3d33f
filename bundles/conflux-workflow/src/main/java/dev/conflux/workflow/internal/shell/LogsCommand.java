package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.api.workflow.RunLogLine;
import dev.conflux.api.workflow.WorkflowService;

@Service
@Command(scope = "workflow", name = "logs", description = "Shows what a run's steps logged")
public class LogsCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Argument(name = "runId", description = "the run id", required = true)
    @Completion(RunIdCompleter.class)
    String runId;

    @Override
    public Object execute() {
        for (RunLogLine line : workflows.runLogs(runId, 0, 10_000)) {
            System.out.println(line.at() + " " + String.format("%-5s", line.level()) + " [" + line.stepId() + "] " + line.message());
        }
        return null;
    }
}
