package dev.conflux.workflow.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.api.workflow.RunView;

@Service
@Command(scope = "workflow", name = "resume", description = "Resumes a paused run")
public class ResumeCommand extends RunOperation {

    @Argument(name = "runId", description = "the run id", required = true)
    @Completion(RunIdCompleter.class)
    String runId;

    @Override
    protected String runId() {
        return runId;
    }

    @Override
    protected RunView apply() {
        return workflows.resume(runId);
    }
}
