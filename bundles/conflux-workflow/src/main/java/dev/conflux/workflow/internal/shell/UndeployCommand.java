package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.api.workflow.WorkflowService;

@Service
@Command(scope = "workflow", name = "undeploy", description = "Undeploys a workflow; its versions stay for the runs that use them")
public class UndeployCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Reference(optional = true)
    dev.conflux.api.security.AuditTrail audit;

    @Argument(name = "id", description = "the workflow id", required = true)
    @Completion(WorkflowIdCompleter.class)
    String id;

    @Override
    public Object execute() throws Exception {
        boolean undeployed = ShellAudit.record(audit, "workflow.undeploy", id, () -> workflows.undeploy(id));
        System.out.println(undeployed ? "Undeployed " + id : "No workflow '" + id + "' is deployed");
        return null;
    }
}
