package dev.conflux.workflow.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowService;

/** Completes the ids of the 100 newest runs. */
@Service
public class RunIdCompleter implements Completer {

    @Reference
    WorkflowService workflows;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        for (RunView run : workflows.listRuns(null, null, null, 0, 100).items()) {
            ids.getStrings().add(run.runId());
        }
        return ids.complete(session, commandLine, candidates);
    }
}
