package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.api.workflow.Page;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowService;

@Service
@Command(scope = "workflow", name = "runs", description = "Lists runs, newest first")
public class RunsCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Option(name = "-w", aliases = "--workflow", description = "only this workflow's runs")
    @Completion(WorkflowIdCompleter.class)
    String workflow;

    @Option(name = "-s", aliases = "--state", description = "only runs in this state (RUNNING, FAILED, ...)")
    String state;

    @Option(name = "-n", aliases = "--limit", description = "how many (default 20)")
    int limit = 20;

    @Override
    public Object execute() throws Exception {
        RunState wanted;
        try {
            wanted = state == null ? null : RunState.valueOf(state.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandException("'" + state + "' is not a run state; use one of " + java.util.Arrays.toString(RunState.values()));
        }
        Page<RunView> page = workflows.listRuns(workflow, wanted, null, 0, Math.max(1, Math.min(500, limit)));
        ShellTable table = new ShellTable();
        table.column("Run");
        table.column("Workflow");
        table.column("Version").alignRight();
        table.column("State");
        table.column("Trigger");
        table.column("Started");
        table.column("Error").maxSize(60);
        for (RunView run : page.items()) {
            table.addRow().addContent(run.runId(), run.workflowId(), run.version(), run.state(), run.trigger(), run.createdAt(),
                    run.error() == null ? "" : run.error());
        }
        table.print(System.out);
        if (page.total() > page.items().size()) {
            System.out.println("(" + page.items().size() + " of " + page.total() + " shown)");
        }
        return null;
    }
}
