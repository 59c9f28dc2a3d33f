package dev.conflux.security.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import dev.conflux.api.store.Jdbc;

/** Users and their roles in {@code sec_user} and {@code sec_user_role}. */
final class UserStore {

    private final Jdbc jdbc;

    UserStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource, "the security store");
    }

    long count() {
        return jdbc.query("SELECT COUNT(*) FROM sec_user", ps -> { }, rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    Optional<User> find(String username) {
        return jdbc.inConnection(c -> {
            User user = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM sec_user WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        user = user(rs, roles(c, username));
                    }
                }
            }
            return Optional.ofNullable(user);
        });
    }

    List<User> list() {
        return jdbc.inConnection(c -> {
            Map<String, Set<String>> roles = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT username, role_name FROM sec_user_role");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
                }
            }
            List<User> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM sec_user ORDER BY username");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(user(rs, roles.getOrDefault(rs.getString("username"), Set.of())));
                }
            }
            return users;
        });
    }

    /** @return false when the name is taken */
    boolean create(String username, String passwordHash, String displayName, String email, Collection<String> roles) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sec_user WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sec_user (username, password_hash, display_name, "
                    + "email, preferences, created_at, updated_at) VALUES (?, ?, ?, ?, '{}', ?, ?)")) {
                ps.setString(1, username);
                ps.setString(2, passwordHash);
                ps.setString(3, displayName);
                ps.setString(4, email);
                ps.setTimestamp(5, now);
                ps.setTimestamp(6, now);
                ps.executeUpdate();
            }
            writeRoles(c, username, roles);
            return true;
        });
    }

    boolean updateProfile(String username, String displayName, String email, String preferences) {
        return update("UPDATE sec_user SET display_name = ?, email = ?, preferences = ?, updated_at = ? WHERE username = ?",
                displayName, email, preferences, Timestamp.from(Instant.now()), username);
    }

    boolean setPassword(String username, String passwordHash) {
        return update("UPDATE sec_user SET password_hash = ?, updated_at = ? WHERE username = ?", passwordHash,
                Timestamp.from(Instant.now()), username);
    }

    boolean setRoles(String username, Collection<String> roles) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE sec_user SET updated_at = ? WHERE username = ?")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                ps.setString(2, username);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sec_user_role WHERE username = ?")) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
            writeRoles(c, username, roles);
            return true;
        });
    }

    boolean delete(String username) {
        return update("DELETE FROM sec_user WHERE username = ?", username);
    }

    /** How many users hold the role. */
    long countWithRole(String role) {
        return jdbc.query("SELECT COUNT(*) FROM sec_user_role WHERE role_name = ?", ps -> ps.setString(1, role),
                rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    private boolean update(String sql, Object... values) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    ps.setObject(i + 1, values[i]);
                }
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static void writeRoles(Connection c, String username, Collection<String> roles) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sec_user_role (username, role_name) VALUES (?, ?)")) {
            for (String role : new TreeSet<>(roles)) {
                ps.setString(1, username);
                ps.setString(2, role);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Set<String> roles(Connection c, String username) throws SQLException {
        Set<String> roles = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT role_name FROM sec_user_role WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    private static User user(ResultSet rs, Set<String> roles) throws SQLException {
        return new User(rs.getString("username"), rs.getString("password_hash"), rs.getString("display_name"),
                rs.getString("email"), rs.getString("preferences"), roles, rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

}
