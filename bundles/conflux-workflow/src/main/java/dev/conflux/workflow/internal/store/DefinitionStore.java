package dev.conflux.workflow.internal.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.conflux.api.store.Jdbc;
import dev.conflux.api.store.StoreException;
import dev.conflux.api.workflow.WorkflowSummary;

/**
 * The workflow definitions in the database: every version of every workflow. A database failure
 * is a {@link StoreException}.
 */
public final class DefinitionStore {

    private final Jdbc jdbc;

    public DefinitionStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource, "the workflow store");
    }

    /** What was stored for a deployment. */
    public record Stored(int version, boolean created) {
    }

    /**
     * Stores a new version unless the current one has the same source hash; marks the workflow
     * deployed either way. One transaction; the workflow's row is locked so concurrent deployments
     * of one id get consecutive versions.
     */
    public Stored store(String id, String source, String hash, String description, int steps, String origin, Instant at) {
        return jdbc.inTransaction(c -> store(c, id, source, hash, description, steps, origin, at));
    }

    private static Stored store(Connection c, String id, String source, String hash, String description, int steps,
            String origin, Instant at) throws SQLException {
        Integer current = Jdbc.query(c, "SELECT current_version FROM wf_workflow WHERE workflow_id = ? FOR UPDATE",
                s -> s.setString(1, id), rs -> rs.next() ? rs.getInt(1) : null);
        if (current != null) {
            boolean same = Jdbc.query(c, "SELECT source_hash FROM wf_definition WHERE workflow_id = ? AND version = ?", s -> {
                s.setString(1, id);
                s.setInt(2, current);
            }, rs -> rs.next() && hash.equals(rs.getString(1)));
            if (same) {
                Jdbc.update(c, "UPDATE wf_workflow SET deployed = TRUE WHERE workflow_id = ?", s -> s.setString(1, id));
                return new Stored(current, false);
            }
        }
        int version = current == null ? 1 : current + 1;
        Jdbc.update(c, "INSERT INTO wf_definition (workflow_id, version, source, source_hash, "
                + "description, step_count, origin, deployed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                    s.setString(1, id);
                    s.setInt(2, version);
                    s.setString(3, source);
                    s.setString(4, hash);
                    s.setString(5, description.length() > 2000 ? description.substring(0, 2000) : description);
                    s.setInt(6, steps);
                    s.setString(7, origin.length() > 500 ? origin.substring(0, 500) : origin);
                    s.setTimestamp(8, Timestamp.from(at));
                });
        if (current == null) {
            Jdbc.update(c, "INSERT INTO wf_workflow (workflow_id, current_version, deployed) VALUES (?, ?, TRUE)", s -> {
                s.setString(1, id);
                s.setInt(2, version);
            });
        } else {
            Jdbc.update(c, "UPDATE wf_workflow SET current_version = ?, deployed = TRUE WHERE workflow_id = ?", s -> {
                s.setInt(1, version);
                s.setString(2, id);
            });
        }
        return new Stored(version, true);
    }

    /** Marks a workflow undeployed; its versions stay. */
    public boolean undeploy(String id) {
        return jdbc.update("UPDATE wf_workflow SET deployed = FALSE WHERE workflow_id = ? AND deployed", s -> s.setString(1, id)) > 0;
    }

    private static final String SUMMARY = "SELECT d.workflow_id, d.version, d.description, d.origin, d.deployed_at, d.step_count "
            + "FROM wf_workflow w JOIN wf_definition d ON d.workflow_id = w.workflow_id AND d.version = w.current_version ";

    /** The deployed workflows' current versions, by id. */
    public List<WorkflowSummary> list(int offset, int limit) {
        return jdbc.list(SUMMARY + "WHERE w.deployed ORDER BY d.workflow_id LIMIT ? OFFSET ?", s -> {
            s.setInt(1, limit);
            s.setInt(2, offset);
        }, DefinitionStore::summary);
    }

    public long count() {
        return jdbc.query("SELECT COUNT(*) FROM wf_workflow WHERE deployed", Jdbc.Binder.NONE, rs -> {
            rs.next();
            return rs.getLong(1);
        });
    }

    /** The current version of a deployed workflow. */
    public Optional<WorkflowSummary> current(String id) {
        return jdbc.first(SUMMARY + "WHERE w.deployed AND w.workflow_id = ?", s -> s.setString(1, id), DefinitionStore::summary);
    }

    /** Every version of a workflow, oldest first. */
    public List<WorkflowSummary> versions(String id) {
        return jdbc.list("SELECT workflow_id, version, description, origin, deployed_at, step_count FROM wf_definition "
                + "WHERE workflow_id = ? ORDER BY version", s -> s.setString(1, id), DefinitionStore::summary);
    }

    public Optional<String> source(String id, int version) {
        return jdbc.first("SELECT source FROM wf_definition WHERE workflow_id = ? AND version = ?", s -> {
            s.setString(1, id);
            s.setInt(2, version);
        }, rs -> rs.getString(1));
    }

    /** The deployed workflow whose current version came from {@code origin}, if any. */
    public Optional<String> deployedFrom(String origin) {
        return jdbc.first("SELECT w.workflow_id FROM wf_workflow w JOIN wf_definition d ON d.workflow_id = w.workflow_id "
                + "AND d.version = w.current_version WHERE w.deployed AND d.origin = ?", s -> s.setString(1, origin),
                rs -> rs.getString(1));
    }

    private static WorkflowSummary summary(ResultSet rs) throws SQLException {
        return new WorkflowSummary(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant(), rs.getInt(6));
    }
}
