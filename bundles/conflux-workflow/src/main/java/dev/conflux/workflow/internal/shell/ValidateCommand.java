package dev.conflux.workflow.internal.shell;

import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

import dev.conflux.api.workflow.WorkflowService;

@Service
@Command(scope = "workflow", name = "validate", description = "Checks a workflow document without deploying it; errors come with line:column")
public class ValidateCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Argument(name = "file", description = "the document's path", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Override
    public Object execute() throws Exception {
        Path path = Documents.path(file);
        String document = Documents.read(path);
        WorkflowService.ValidationReport report = workflows.validate(document);
        String name = path.getFileName().toString();
        report.errors().forEach(error -> System.out.println(name + ":" + error));
        report.warnings().forEach(warning -> System.out.println(name + ":" + warning + " (warning)"));
        System.out.println(report.valid()
                ? name + " is valid" + (report.warnings().isEmpty() ? "" : ", with " + report.warnings().size() + " warning(s)")
                : name + " has " + report.errors().size() + " error(s)");
        return null;
    }
}
