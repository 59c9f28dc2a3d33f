package dev.conflux.workflow.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.conflux.api.workflow.WorkflowSummary;

/** The workflow definitions in the database: every version of every workflow. */
public final class DefinitionStore {

    private final DataSource dataSource;

    public DefinitionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What was stored for a deployment. */
    public record Stored(int version, boolean created) {
    }

    /**
     * Stores a new version unless the current one has the same source hash; marks the workflow
     * deployed either way. One transaction; the workflow's row is locked so concurrent deployments
     * of one id get consecutive versions.
     */
    public Stored store(String id, String source, String hash, String description, int steps, String origin, Instant at)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Stored stored = store(c, id, source, hash, description, steps, origin, at);
                c.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Stored store(Connection c, String id, String source, String hash, String description, int steps,
            String origin, Instant at) throws SQLException {
        Integer current = null;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT current_version FROM wf_workflow WHERE workflow_id = ? FOR UPDATE")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    current = rs.getInt(1);
                }
            }
        }
        if (current != null) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT source_hash FROM wf_definition WHERE workflow_id = ? AND version = ?")) {
                s.setString(1, id);
                s.setInt(2, current);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && hash.equals(rs.getString(1))) {
                        update(c, "UPDATE wf_workflow SET deployed = TRUE WHERE workflow_id = ?", id);
                        return new Stored(current, false);
                    }
                }
            }
        }
        int version = current == null ? 1 : current + 1;
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wf_definition (workflow_id, version, source, source_hash, "
                + "description, step_count, origin, deployed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setInt(2, version);
            s.setString(3, source);
            s.setString(4, hash);
            s.setString(5, description.length() > 2000 ? description.substring(0, 2000) : description);
            s.setInt(6, steps);
            s.setString(7, origin.length() > 500 ? origin.substring(0, 500) : origin);
            s.setTimestamp(8, Timestamp.from(at));
            s.executeUpdate();
        }
        if (current == null) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO wf_workflow (workflow_id, current_version, deployed) VALUES (?, ?, TRUE)")) {
                s.setString(1, id);
                s.setInt(2, version);
                s.executeUpdate();
            }
        } else {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE wf_workflow SET current_version = ?, deployed = TRUE WHERE workflow_id = ?")) {
                s.setInt(1, version);
                s.setString(2, id);
                s.executeUpdate();
            }
        }
        return new Stored(version, true);
    }

    /** Marks a workflow undeployed; its versions stay. */
    public boolean undeploy(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return update(c, "UPDATE wf_workflow SET deployed = FALSE WHERE workflow_id = ? AND deployed", id) > 0;
        }
    }

    private static final String SUMMARY = "SELECT d.workflow_id, d.version, d.description, d.origin, d.deployed_at, d.step_count "
            + "FROM wf_workflow w JOIN wf_definition d ON d.workflow_id = w.workflow_id AND d.version = w.current_version ";

    /** The deployed workflows' current versions, by id. */
    public List<WorkflowSummary> list(int offset, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(SUMMARY + "WHERE w.deployed ORDER BY d.workflow_id LIMIT ? OFFSET ?")) {
            s.setInt(1, limit);
            s.setInt(2, offset);
            return summaries(s);
        }
    }

    public long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM wf_workflow WHERE deployed");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The current version of a deployed workflow. */
    public Optional<WorkflowSummary> current(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(SUMMARY + "WHERE w.deployed AND w.workflow_id = ?")) {
            s.setString(1, id);
            List<WorkflowSummary> found = summaries(s);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** Every version of a workflow, oldest first. */
    public List<WorkflowSummary> versions(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT workflow_id, version, description, origin, deployed_at, step_count FROM wf_definition "
                        + "WHERE workflow_id = ? ORDER BY version")) {
            s.setString(1, id);
            return summaries(s);
        }
    }

    public Optional<String> source(String id, int version) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT source FROM wf_definition WHERE workflow_id = ? AND version = ?")) {
            s.setString(1, id);
            s.setInt(2, version);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The deployed workflow whose current version came from {@code origin}, if any. */
    public Optional<String> deployedFrom(String origin) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT w.workflow_id FROM wf_workflow w JOIN wf_definition d ON d.workflow_id = w.workflow_id "
                        + "AND d.version = w.current_version WHERE w.deployed AND d.origin = ?")) {
            s.setString(1, origin);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static List<WorkflowSummary> summaries(PreparedStatement s) throws SQLException {
        List<WorkflowSummary> result = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(new WorkflowSummary(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), rs.getInt(6)));
            }
        }
        return result;
    }

    private static int update(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            return s.executeUpdate();
        }
    }
}
