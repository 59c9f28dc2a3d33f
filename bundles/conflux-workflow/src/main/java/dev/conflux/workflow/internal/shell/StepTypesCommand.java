package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.workflow.internal.StepTypeRegistry;

@Service
@Command(scope = "workflow", name = "step-types", description = "Lists the step types installed bundles provide")
public class StepTypesCommand implements Action {

    @Reference
    StepTypeRegistry registry;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Type");
        table.column("Bundle");
        table.column("Description").maxSize(70);
        registry.available().forEach((name, provided) ->
                table.addRow().addContent(name, provided.bundle(), provided.stepType().description()));
        table.print(System.out);
        return null;
    }
}
