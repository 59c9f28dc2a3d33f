package dev.conflux.workflow.internal.rest;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.Test;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.workflow.Page;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.workflow.internal.WorkflowConfig;

public class WorkflowResourceTest {

    /** The runs a fake service holds, by id, and which of them refuse to be cancelled (they ended meanwhile). */
    private final Map<String, RunView> runs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> endedMeanwhile = new ConcurrentHashMap<>();
    private int cancelCalls;

    @Test
    public void cancellingAWorkflowsRunsCancelsEveryActiveRunNotJustTheFirstPage() {
        add("orders", RunState.RUNNING, 1_200);
        add("orders", RunState.PAUSED, 300);
        add("orders", RunState.PENDING, 50);
        add("orders", RunState.SUCCEEDED, 20);
        add("invoices", RunState.RUNNING, 10);

        resource().cancelActiveRuns("orders"); // what DELETE /workflows/orders?cancelRuns=true does once undeployed

        assertEquals(1_550, count("orders", RunState.CANCELLED));
        assertEquals(20, count("orders", RunState.SUCCEEDED));
        assertEquals(10, count("invoices", RunState.RUNNING));
        assertEquals("each active run is asked once", 1_550, cancelCalls);
    }

    @Test
    public void aRunThatCannotBeCancelledIsAskedOnceAndTheRestAreStillCancelled() {
        add("orders", RunState.RUNNING, 600);
        String stubborn = runs.keySet().stream().sorted().findFirst().orElseThrow();
        endedMeanwhile.put(stubborn, true); // listed as RUNNING, but cancel says it has finished

        resource().cancelActiveRuns("orders");

        assertEquals(599, count("orders", RunState.CANCELLED));
        assertEquals(600, cancelCalls);
    }

    private void add(String workflowId, RunState state, int count) {
        for (int i = 0; i < count; i++) {
            String id = workflowId + "-" + state + "-" + String.format("%05d", i);
            runs.put(id, run(id, workflowId, state));
        }
    }

    private static RunView run(String id, String workflowId, RunState state) {
        return new RunView(id, workflowId, 1, state, Map.of(), null, "api", Instant.EPOCH, null, List.of());
    }

    private long count(String workflowId, RunState state) {
        return runs.values().stream().filter(r -> r.workflowId().equals(workflowId) && r.state() == state).count();
    }

    private WorkflowResource resource() {
        WorkflowService service = (WorkflowService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WorkflowService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "listRuns" -> list((String) args[0], (RunState) args[1], (int) args[3], (int) args[4]);
                    case "cancel" -> cancel((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        WorkflowConfig config = (WorkflowConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WorkflowConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "maxDocumentBytes" -> 1 << 20;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new WorkflowResource(service, config);
    }

    /** As the service lists runs: filtered, in a stable order, one page of at most {@code limit}. */
    private Page<RunView> list(String workflowId, RunState state, int offset, int limit) {
        List<RunView> matching = new ArrayList<>(runs.values().stream()
                .filter(r -> r.workflowId().equals(workflowId) && r.state() == state)
                .sorted(java.util.Comparator.comparing(RunView::runId)).toList());
        List<RunView> page = matching.subList(Math.min(offset, matching.size()), Math.min(offset + limit, matching.size()));
        return new Page<>(List.copyOf(page), offset, limit, matching.size());
    }

    private RunView cancel(String runId) {
        cancelCalls++;
        if (endedMeanwhile.containsKey(runId)) {
            throw ProblemException.conflict("run " + runId + " has already finished (SUCCEEDED)");
        }
        RunView before = runs.get(runId);
        RunView cancelled = run(runId, before.workflowId(), RunState.CANCELLED);
        runs.put(runId, cancelled);
        return cancelled;
    }
}
