package dev.conflux.workflow.internal.shell;

import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileCompleter;

import dev.conflux.api.workflow.DeployResult;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowValidationException;
import dev.conflux.api.security.AuditTrail;

@Service
@Command(scope = "workflow", name = "deploy", description = "Deploys a workflow document (YAML or JSON) from a file")
public class DeployCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Reference(optional = true)
    AuditTrail audit;

    @Argument(name = "file", description = "the document's path", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Override
    public Object execute() throws Exception {
        Path path = Documents.path(file);
        String document = Documents.read(path);
        try {
            DeployResult result = ShellAudit.record(audit, "workflow.deploy", path.getFileName().toString(),
                    () -> workflows.deploy(document, "file:" + path.getFileName()));
            System.out.println(result.created()
                    ? "Deployed " + result.id() + " version " + result.version()
                    : result.id() + " version " + result.version() + " is already this document; nothing changed");
            result.warnings().forEach(w -> System.out.println("warning: " + w));
        } catch (WorkflowValidationException e) {
            e.errors().forEach(error -> System.out.println(path.getFileName() + ":" + error));
            throw new CommandException(path.getFileName() + " has " + e.errors().size() + " error(s); nothing was deployed");
        }
        return null;
    }
}
