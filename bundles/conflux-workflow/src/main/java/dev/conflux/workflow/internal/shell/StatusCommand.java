package dev.conflux.workflow.internal.shell;

import java.time.Duration;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepView;
import dev.conflux.api.workflow.WorkflowService;

@Service
@Command(scope = "workflow", name = "status", description = "Shows a run and a table of its steps")
public class StatusCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Argument(name = "runId", description = "the run id", required = true)
    @Completion(RunIdCompleter.class)
    String runId;

    @Override
    public Object execute() throws Exception {
        RunView run = workflows.getRun(runId).orElse(null);
        if (run == null) {
            throw new CommandException("No run " + runId + "; workflow:runs lists them.");
        }
        System.out.println("Run " + run.runId() + " of " + run.workflowId() + " version " + run.version() + ": " + run.state()
                + (run.error() == null ? "" : " (" + run.error() + ")"));
        ShellTable table = new ShellTable();
        table.column("Step");
        table.column("Type");
        table.column("State");
        table.column("Attempts").alignRight();
        table.column("Took").alignRight();
        table.column("Error").maxSize(60);
        for (StepView step : run.steps()) {
            String took = step.startedAt() != null && step.endedAt() != null
                    ? Duration.between(step.startedAt(), step.endedAt()).toMillis() + " ms" : "";
            table.addRow().addContent(RunCommand.label(step), step.type(), step.state(), step.attempt(), took,
                    step.error() == null ? "" : step.error());
        }
        table.print(System.out);
        return null;
    }
}
