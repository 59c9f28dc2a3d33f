package dev.conflux.workflow.internal.shell;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileCompleter;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepState;
import dev.conflux.api.workflow.StepView;
import dev.conflux.api.workflow.WorkflowService;

@Service
@Command(scope = "workflow", name = "run", description = "Starts a run of a workflow; with --wait, follows it until it ends")
public class RunCommand implements Action {

    @Reference
    WorkflowService workflows;

    @Reference(optional = true)
    dev.conflux.api.security.AuditTrail audit;

    @Argument(name = "id", description = "the workflow id", required = true)
    @Completion(WorkflowIdCompleter.class)
    String id;

    @Option(name = "-i", aliases = "--input", description = "an input as key=value (repeatable); a value that is JSON is read as JSON",
            multiValued = true)
    List<String> inputs;

    @Option(name = "-f", aliases = "--input-file", description = "a JSON file with the run's input")
    @Completion(FileCompleter.class)
    String inputFile;

    @Option(name = "-w", aliases = "--wait", description = "follow the run with a progress line until it ends")
    boolean wait;

    @Override
    public Object execute() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> values = new LinkedHashMap<>();
        if (inputFile != null) {
            values.putAll(json.readValue(Files.readString(Paths.get(inputFile)), new TypeReference<Map<String, Object>>() { }));
        }
        for (String input : inputs == null ? List.<String>of() : inputs) {
            int eq = input.indexOf('=');
            if (eq <= 0) {
                throw new CommandException("--input takes key=value, got '" + input + "'");
            }
            String raw = input.substring(eq + 1);
            Object value;
            try {
                value = json.readValue(raw, Object.class);
            } catch (Exception notJson) {
                value = raw;
            }
            values.put(input.substring(0, eq), value);
        }
        RunView run = ShellAudit.record(audit, "workflow.run", id, () -> workflows.startRun(id, values, "api"));
        System.out.println("Started run " + run.runId() + " of " + run.workflowId() + " version " + run.version());
        if (!wait) {
            return null;
        }
        String lastLine = "";
        while (true) {
            RunView now = workflows.getRun(run.runId()).orElseThrow();
            long done = now.steps().stream().filter(s -> s.item() == null && s.state().isFinished()).count();
            long total = now.steps().stream().filter(s -> s.item() == null).count();
            String runningSteps = steps(now, StepState.RUNNING);
            String waitingSteps = steps(now, StepState.WAITING); // parked: a delay, a child run
            String line = now.state() + " " + done + "/" + total + " steps done" + (runningSteps.isEmpty() ? "" : "; running: " + runningSteps)
                    + (waitingSteps.isEmpty() ? "" : "; waiting: " + waitingSteps);
            if (!line.equals(lastLine)) {
                System.out.print("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
                System.out.flush();
                lastLine = line;
            }
            if (now.state().isFinished()) {
                System.out.println();
                if (now.error() != null) {
                    System.out.println(now.error());
                }
                return null;
            }
            Thread.sleep(200);
        }
    }

    private static String steps(RunView run, StepState state) {
        return String.join(", ", run.steps().stream().filter(s -> s.state() == state).map(RunCommand::label).toList());
    }

    static String label(StepView step) {
        return step.item() == null ? step.stepId() : step.stepId() + "[" + step.item() + "]";
    }
}
