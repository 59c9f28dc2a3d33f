package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.api.workflow.Page;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowSummary;
import dev.conflux.workflow.internal.deploy.WorkflowFileInstaller;

@Service
@Command(scope = "workflow", name = "list", description = "Lists the deployed workflows, and workflow files in deploy/ that were refused")
public class ListCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Reference(optional = true)
    WorkflowFileInstaller files;

    @Override
    public Object execute() {
        Page<WorkflowSummary> page = workflows.list(0, 500);
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Version").alignRight();
        table.column("Steps").alignRight();
        table.column("Origin");
        table.column("Deployed");
        table.column("Description").maxSize(50);
        for (WorkflowSummary w : page.items()) {
            table.addRow().addContent(w.id(), w.version(), w.steps(), w.origin(), w.deployedAt(), w.description());
        }
        table.print(System.out);
        if (page.total() > page.items().size()) {
            System.out.println("(" + page.items().size() + " of " + page.total() + " shown)");
        }
        if (files != null && !files.refused().isEmpty()) {
            System.out.println();
            System.out.println("Refused files in deploy/ (fix them and save again):");
            files.refused().forEach((file, problems) -> {
                System.out.println("  " + file);
                problems.forEach(problem -> System.out.println("    " + problem));
            });
        }
        return null;
    }
}
