package dev.conflux.workflow.internal.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.store.Jdbc;
import dev.conflux.api.workflow.RunLogLine;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.StepState;
import dev.conflux.api.workflow.StepView;

/** Runs, steps and run logs in the database: the writes the journal applies, and the reads. */
final class RunStore {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR = 4000;
    /** SQL lists of the states a run ends in, and of the others, as {@link RunState#isFinished} has them. */
    private static final String FINISHED = states(true);
    private static final String UNFINISHED = states(false);
    private static final String RUN_COLUMNS = "SELECT run_id, workflow_id, version, state, inputs, error, trigger_kind, created_at, ended_at";
    private static final String STORED_COLUMNS = RUN_COLUMNS + ", failure_phase, retried_at, parent_run_id, parent_step";

    private final Jdbc jdbc;

    RunStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource, "the run store");
    }

    // ---- writes, applied by the journal ----

    /** The run's row as the run is now: usually RUNNING or PENDING, also finished when no step had to run. */
    Journal.Write insertRun(ActiveRun run) {
        String inputs = json(run.inputs);
        String runId = run.runId;
        String workflow = run.definition.id();
        int version = run.version;
        String state = run.state.name();
        String error = clip(run.error);
        String trigger = run.trigger;
        boolean failurePhase = run.failurePhase;
        Instant created = run.createdAt;
        Instant endedAt = run.endedAt;
        String parentRunId = run.parent == null ? null : run.parent.runId();
        String parentStep = run.parent == null ? null : run.parent.stepKey();
        return new Journal.Statement() {
            @Override
            public String sql() {
                return "INSERT INTO wf_run (run_id, workflow_id, version, state, inputs, error, trigger_kind, failure_phase, "
                        + "created_at, ended_at, parent_run_id, parent_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            }

            @Override
            public int phase() {
                return 0;
            }

            @Override
            public void bind(PreparedStatement s) throws SQLException {
                s.setString(1, runId);
                s.setString(2, workflow);
                s.setInt(3, version);
                s.setString(4, state);
                s.setString(5, inputs);
                s.setString(6, error);
                s.setString(7, trigger);
                s.setBoolean(8, failurePhase);
                s.setTimestamp(9, Timestamp.from(created));
                timestamp(s, 10, endedAt);
                s.setString(11, parentRunId);
                s.setString(12, parentStep);
            }
        };
    }

    Journal.Write updateRun(ActiveRun run) {
        String runId = run.runId;
        String state = run.state.name();
        String error = clip(run.error);
        boolean failurePhase = run.failurePhase;
        Instant endedAt = run.endedAt;
        return new Journal.Statement() {
            @Override
            public String sql() {
                return "UPDATE wf_run SET state = ?, error = ?, failure_phase = ?, ended_at = ? WHERE run_id = ?";
            }

            @Override
            public int phase() {
                return 1;
            }

            @Override
            public void bind(PreparedStatement s) throws SQLException {
                s.setString(1, state);
                s.setString(2, error);
                s.setBoolean(3, failurePhase);
                timestamp(s, 4, endedAt);
                s.setString(5, runId);
            }
        };
    }

    private static final String INSERT_STEP = "INSERT INTO wf_step (run_id, step_key, step_id, item_index, step_type, "
            + "state, attempt, output, error, started_at, ended_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_STEP = "UPDATE wf_step SET state = ?, attempt = ?, output = ?, error = ?, "
            + "started_at = ?, ended_at = ?, due_at = ? WHERE run_id = ? AND step_key = ?";

    /**
     * Writes a step's row with the record's current values (captured now, written later): an insert
     * the first time, an update after that.
     */
    Journal.Write saveStep(String runId, StepRecord step) {
        boolean insert = !step.stored;
        step.stored = true;
        String state = step.state.name();
        int attempt = step.attempt;
        String output = step.output == null ? null : step.outputJson != null ? step.outputJson : json(step.output);
        String error = clip(step.error);
        Instant started = step.startedAt;
        Instant ended = step.endedAt;
        Instant due = step.dueAt;
        String key = step.key;
        String stepId = step.definition.id();
        Integer item = step.item;
        String type = step.definition.type();
        return new Journal.Statement() {
            @Override
            public String sql() {
                return insert ? INSERT_STEP : UPDATE_STEP;
            }

            @Override
            public int phase() {
                return insert ? 0 : 1;
            }

            @Override
            public void bind(PreparedStatement s) throws SQLException {
                if (insert) {
                    s.setString(1, runId);
                    s.setString(2, key);
                    s.setString(3, stepId);
                    if (item == null) {
                        s.setNull(4, Types.INTEGER);
                    } else {
                        s.setInt(4, item);
                    }
                    s.setString(5, type);
                    s.setString(6, state);
                    s.setInt(7, attempt);
                    s.setString(8, output);
                    s.setString(9, error);
                    timestamp(s, 10, started);
                    timestamp(s, 11, ended);
                    timestamp(s, 12, due);
                } else {
                    s.setString(1, state);
                    s.setInt(2, attempt);
                    s.setString(3, output);
                    s.setString(4, error);
                    timestamp(s, 5, started);
                    timestamp(s, 6, ended);
                    timestamp(s, 7, due);
                    s.setString(8, runId);
                    s.setString(9, key);
                }
            }
        };
    }

    /** Records that a run was retried now: its timeout counts from here. */
    Journal.Write retried(String runId, Instant at) {
        return c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE wf_run SET retried_at = ? WHERE run_id = ?")) {
                s.setTimestamp(1, Timestamp.from(at));
                s.setString(2, runId);
                s.executeUpdate();
            }
        };
    }

    Journal.Write deleteSteps(String runId, List<String> keys) {
        List<String> copy = List.copyOf(keys);
        return c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wf_step WHERE run_id = ? AND step_key = ?")) {
                for (String key : copy) {
                    s.setString(1, runId);
                    s.setString(2, key);
                    s.addBatch();
                }
                s.executeBatch();
            }
        };
    }

    Journal.Write log(String runId, String stepId, String level, String message, Instant at) {
        String text = message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR - 1) + "…" : message;
        return c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wf_log (run_id, step_id, level, message, at) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, runId);
                s.setString(2, stepId);
                s.setString(3, level);
                s.setString(4, text);
                s.setTimestamp(5, Timestamp.from(at));
                s.executeUpdate();
            }
        };
    }

    /** Deletes finished runs that ended before {@code before}, with their steps and logs; returns how many runs. */
    int purge(Instant before) {
        String old = "SELECT run_id FROM wf_run WHERE state IN (" + FINISHED + ") AND ended_at < ?";
        Jdbc.Binder at = s -> s.setTimestamp(1, Timestamp.from(before));
        return jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM wf_log WHERE run_id IN (" + old + ")", at);
            Jdbc.update(c, "DELETE FROM wf_step WHERE run_id IN (" + old + ")", at);
            return Jdbc.update(c, "DELETE FROM wf_run WHERE state IN (" + FINISHED + ") AND ended_at < ?", at);
        });
    }

    // ---- reads ----

    /**
     * A stored run with its step rows, for recovery and retry.
     *
     * @param retriedAt when the run was last retried, or null
     * @param parent the step of another run that waits for this one, or null
     */
    record StoredRun(RunView run, boolean failurePhase, Instant retriedAt, ActiveRun.Parent parent, List<StepRow> steps) {
    }

    record StepRow(String key, String stepId, Integer item, StepState state, int attempt, Object output, String error,
            Instant startedAt, Instant endedAt, Instant dueAt) {
    }

    List<StoredRun> unfinished() {
        return jdbc.inConnection(c -> {
            List<StoredRun> runs = Jdbc.query(c, STORED_COLUMNS + " FROM wf_run WHERE state IN (" + UNFINISHED + ") ORDER BY created_at",
                    Jdbc.Binder.NONE, Jdbc.rows(rs -> storedRun(rs, List.of())));
            List<StoredRun> withSteps = new ArrayList<>();
            for (StoredRun stored : runs) {
                withSteps.add(new StoredRun(stored.run(), stored.failurePhase(), stored.retriedAt(), stored.parent(),
                        stepRows(c, stored.run().runId())));
            }
            return withSteps;
        });
    }

    /** Any run with its step rows (to retry a finished one), or empty. */
    Optional<StoredRun> stored(String runId) {
        return jdbc.inConnection(c -> Jdbc.query(c, STORED_COLUMNS + " FROM wf_run WHERE run_id = ?", s -> s.setString(1, runId),
                rs -> rs.next() ? Optional.of(storedRun(rs, stepRows(c, runId))) : Optional.empty()));
    }

    private static StoredRun storedRun(ResultSet rs, List<StepRow> steps) throws SQLException {
        String parentRunId = rs.getString("parent_run_id");
        ActiveRun.Parent parent = parentRunId == null ? null : new ActiveRun.Parent(parentRunId, rs.getString("parent_step"));
        return new StoredRun(run(rs), rs.getBoolean("failure_phase"), instant(rs.getTimestamp("retried_at")), parent, steps);
    }

    /** The unfinished child runs of a run. */
    List<String> unfinishedChildren(String parentRunId) {
        return jdbc.list("SELECT run_id FROM wf_run WHERE parent_run_id = ? AND state IN (" + UNFINISHED + ")",
                s -> s.setString(1, parentRunId), rs -> rs.getString(1));
    }

    /**
     * The waiting steps of unfinished runs whose child has ended: after a crash between a child's end
     * and its parent's resumption, these resume.
     */
    List<ActiveRun.Parent> parentsOfEndedChildren() {
        return jdbc.list("SELECT c.parent_run_id, c.parent_step FROM wf_run c JOIN wf_run p ON p.run_id = c.parent_run_id "
                + "WHERE c.state IN (" + FINISHED + ") AND p.state IN (" + UNFINISHED + ")", Jdbc.Binder.NONE,
                rs -> new ActiveRun.Parent(rs.getString(1), rs.getString(2)));
    }

    /** When a run was last retried; empty when it never was (or does not exist). */
    Optional<Instant> retriedAt(String runId) {
        return jdbc.first("SELECT retried_at FROM wf_run WHERE run_id = ?", s -> s.setString(1, runId),
                rs -> instant(rs.getTimestamp(1)));
    }

    Optional<RunView> get(String runId) {
        return jdbc.inConnection(c -> {
            Optional<RunView> found = Jdbc.query(c, RUN_COLUMNS + " FROM wf_run WHERE run_id = ?", s -> s.setString(1, runId),
                    rs -> rs.next() ? Optional.of(run(rs)) : Optional.empty());
            if (found.isEmpty()) {
                return found;
            }
            RunView run = found.get();
            List<StepView> steps = Jdbc.query(c, "SELECT step_id, item_index, step_type, state, attempt, output, error, "
                    + "started_at, ended_at FROM wf_step WHERE run_id = ?", s -> s.setString(1, runId), Jdbc.rows(r -> new StepView(
                            r.getString(1), r.getObject(2) == null ? null : r.getInt(2), r.getString(3), StepState.valueOf(r.getString(4)),
                            r.getInt(5), parse(r.getString(6)), r.getString(7), instant(r.getTimestamp(8)), instant(r.getTimestamp(9)))));
            return Optional.of(new RunView(run.runId(), run.workflowId(), run.version(), run.state(), run.inputs(), run.error(),
                    run.trigger(), run.createdAt(), run.endedAt(), steps));
        });
    }

    List<RunView> list(String workflowId, RunState state, Instant since, int offset, int limit) {
        StringBuilder sql = new StringBuilder(RUN_COLUMNS).append(" FROM wf_run WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        filters(sql, params, workflowId, state, since);
        sql.append(" ORDER BY created_at DESC, run_id LIMIT ? OFFSET ?");
        params.add(limit);
        params.add(offset);
        return jdbc.list(sql.toString(), s -> bind(s, params), RunStore::run);
    }

    long count(String workflowId, RunState state, Instant since) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM wf_run WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        filters(sql, params, workflowId, state, since);
        return jdbc.first(sql.toString(), s -> bind(s, params), rs -> rs.getLong(1)).orElse(0L);
    }

    Map<String, Long> countsByState(String workflowId) {
        return jdbc.query("SELECT state, COUNT(*) FROM wf_run WHERE workflow_id = ? GROUP BY state ORDER BY state",
                s -> s.setString(1, workflowId), rs -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                    return counts;
                });
    }

    List<RunLogLine> logs(String runId, int offset, int limit) {
        return jdbc.list("SELECT at, step_id, level, message FROM wf_log WHERE run_id = ? ORDER BY seq LIMIT ? OFFSET ?", s -> {
            s.setString(1, runId);
            s.setInt(2, limit);
            s.setInt(3, offset);
        }, rs -> new RunLogLine(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    private static RunView run(ResultSet rs) throws SQLException {
        @SuppressWarnings("unchecked")
        Map<String, Object> inputs = (Map<String, Object>) parse(rs.getString("inputs"));
        return new RunView(rs.getString("run_id"), rs.getString("workflow_id"), rs.getInt("version"),
                RunState.valueOf(rs.getString("state")), inputs == null ? Map.of() : inputs, rs.getString("error"),
                rs.getString("trigger_kind"), rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("ended_at")), List.of());
    }

    private static List<StepRow> stepRows(Connection c, String runId) throws SQLException {
        return Jdbc.query(c, "SELECT step_key, step_id, item_index, state, attempt, output, error, started_at, ended_at, due_at "
                + "FROM wf_step WHERE run_id = ?", s -> s.setString(1, runId), Jdbc.rows(rs -> new StepRow(rs.getString(1),
                        rs.getString(2), rs.getObject(3) == null ? null : rs.getInt(3), StepState.valueOf(rs.getString(4)), rs.getInt(5),
                        parse(rs.getString(6)), rs.getString(7), instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)),
                        instant(rs.getTimestamp(10)))));
    }

    private static void filters(StringBuilder sql, List<Object> params, String workflowId, RunState state, Instant since) {
        if (workflowId != null) {
            sql.append(" AND workflow_id = ?");
            params.add(workflowId);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            params.add(state.name());
        }
        if (since != null) {
            sql.append(" AND created_at >= ?");
            params.add(Timestamp.from(since));
        }
    }

    private static void bind(PreparedStatement s, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            s.setObject(i + 1, params.get(i));
        }
    }

    private static String states(boolean finished) {
        return Arrays.stream(RunState.values()).filter(state -> state.isFinished() == finished)
                .map(state -> "'" + state.name() + "'").collect(Collectors.joining(", "));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the value cannot be stored as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Object parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, new TypeReference<Object>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is damaged: " + e.getOriginalMessage(), e);
        }
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 1) + "…";
    }

    private static void timestamp(PreparedStatement s, int index, Instant value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.TIMESTAMP);
        } else {
            s.setTimestamp(index, Timestamp.from(value));
        }
    }

    private static Instant instant(Timestamp value) {
        return value == null ? null : value.toInstant();
    }
}
