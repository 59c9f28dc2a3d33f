package dev.conflux.workflow.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowSummary;

/** Completes the ids of deployed workflows. */
@Service
public class WorkflowIdCompleter implements Completer {

    @Reference
    WorkflowService workflows;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (WorkflowSummary summary : workflows.list(0, 500).items()) {
            ids.getStrings().add(summary.id());
        }
        return ids.complete(session, commandLine, candidates);
    }
}
