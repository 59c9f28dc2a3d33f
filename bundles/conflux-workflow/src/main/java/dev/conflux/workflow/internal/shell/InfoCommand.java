package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.api.workflow.WorkflowDetails;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowSummary;

@Service
@Command(scope = "workflow", name = "info", description = "Shows a workflow: its versions and its current document")
public class InfoCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Argument(name = "id", description = "the workflow id", required = true)
    @Completion(WorkflowIdCompleter.class)
    String id;

    @Override
    public Object execute() throws Exception {
        WorkflowDetails details = workflows.get(id).orElse(null);
        if (details == null) {
            throw new CommandException("No workflow '" + id + "' is deployed; workflow:list shows those that are.");
        }
        System.out.println(details.summary().id() + " version " + details.summary().version()
                + (details.summary().description().isEmpty() ? "" : ": " + details.summary().description()));
        ShellTable versions = new ShellTable();
        versions.column("Version").alignRight();
        versions.column("Deployed");
        versions.column("Origin");
        versions.column("Steps").alignRight();
        for (WorkflowSummary v : details.versions()) {
            versions.addRow().addContent(v.version(), v.deployedAt(), v.origin(), v.steps());
        }
        versions.print(System.out);
        details.warnings().forEach(w -> System.out.println("warning: " + w));
        System.out.println();
        System.out.println(details.source());
        return null;
    }
}
