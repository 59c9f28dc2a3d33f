package dev.conflux.workflow.internal.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import dev.conflux.api.workflow.RunLogLine;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;

/**
 * Read-only access to runs for the faces; the engine keeps the writes. A database failure is a
 * {@link dev.conflux.api.store.StoreException}.
 */
public final class RunQueries {

    private final RunStore store;

    public RunQueries(DataSource dataSource) {
        this.store = new RunStore(dataSource);
    }

    public Optional<RunView> get(String runId) {
        return store.get(runId);
    }

    public List<RunView> list(String workflowId, RunState state, Instant since, int offset, int limit) {
        return store.list(workflowId, state, since, offset, limit);
    }

    public long count(String workflowId, RunState state, Instant since) {
        return store.count(workflowId, state, since);
    }

    public Map<String, Long> countsByState(String workflowId) {
        return store.countsByState(workflowId);
    }

    /** When the run was last retried; empty when it never was (or does not exist). */
    public Optional<Instant> retriedAt(String runId) {
        return store.retriedAt(runId);
    }

    public List<RunLogLine> logs(String runId, int offset, int limit) {
        return store.logs(runId, offset, limit);
    }
}
