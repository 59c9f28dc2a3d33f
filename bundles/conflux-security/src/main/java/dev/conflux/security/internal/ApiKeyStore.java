package dev.conflux.security.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.sql.DataSource;

import dev.conflux.api.store.Jdbc;

/**
 * API keys: {@code cfx_<id>_<secret>}, the id to find the row, the 256-bit secret stored only as its
 * SHA-256 digest. The full key is shown once, when it is made.
 */
public final class ApiKeyStore {

    public static final String PREFIX = "cfx_";

    /** A new key: the listing and the one and only copy of the secret. */
    public record Created(ApiKey key, String secret) {
    }

    private final Jdbc jdbc;
    private final Secrets secrets;
    /** Last-used times are written at most once a minute per key, not on every request. */
    private final ConcurrentMap<String, Instant> lastTouched = new ConcurrentHashMap<>();

    ApiKeyStore(DataSource dataSource, Secrets secrets) {
        this.jdbc = new Jdbc(dataSource, "the security store");
        this.secrets = secrets;
    }

    Created create(String name, Collection<String> roles, String createdBy, Instant expiresAt) {
        String id = secrets.random(9).replace('-', 'x').replace('_', 'y');
        String secret = secrets.random(32);
        Instant now = Instant.now();
        jdbc.update("INSERT INTO sec_api_key (key_id, name, secret_hash, roles, created_by, created_at, "
                + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, id);
                    ps.setString(2, name);
                    ps.setString(3, Secrets.sha256(secret));
                    ps.setString(4, String.join(",", new TreeSet<>(roles)));
                    ps.setString(5, createdBy);
                    ps.setTimestamp(6, Timestamp.from(now));
                    ps.setTimestamp(7, expiresAt == null ? null : Timestamp.from(expiresAt));
                });
        return new Created(new ApiKey(id, name, Set.copyOf(roles), createdBy, now, expiresAt, null, null),
                PREFIX + id + "_" + secret);
    }

    /** The key a presented value proves, if it is well formed, known, unrevoked, unexpired and its secret matches. */
    Optional<ApiKey> check(String presented) {
        if (presented == null || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int split = presented.indexOf('_', PREFIX.length());
        if (split < 0) {
            return Optional.empty();
        }
        String id = presented.substring(PREFIX.length(), split);
        String secret = presented.substring(split + 1);
        record Row(ApiKey key, String hash) {
        }
        Optional<Row> row = jdbc.query("SELECT * FROM sec_api_key WHERE key_id = ?", ps -> ps.setString(1, id),
                rs -> rs.next() ? Optional.of(new Row(key(rs), rs.getString("secret_hash"))) : Optional.empty());
        Instant now = Instant.now();
        if (row.isEmpty() || !Secrets.sameDigest(row.get().hash(), Secrets.sha256(secret)) || !row.get().key().usable(now)) {
            return Optional.empty();
        }
        Instant touched = lastTouched.get(id);
        if (touched == null || touched.isBefore(now.minusSeconds(60))) {
            lastTouched.put(id, now);
            jdbc.update("UPDATE sec_api_key SET last_used_at = ? WHERE key_id = ?", ps -> {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, id);
            });
        }
        return Optional.of(row.get().key());
    }

    List<ApiKey> list() {
        return jdbc.query("SELECT * FROM sec_api_key ORDER BY created_at", ps -> { }, rs -> {
            List<ApiKey> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(key(rs));
            }
            return keys;
        });
    }

    Optional<ApiKey> find(String id) {
        return jdbc.query("SELECT * FROM sec_api_key WHERE key_id = ?", ps -> ps.setString(1, id),
                rs -> rs.next() ? Optional.of(key(rs)) : Optional.empty());
    }

    /** @return false when there is no such key or it was revoked before */
    boolean revoke(String id) {
        return jdbc.update("UPDATE sec_api_key SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", ps -> {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setString(2, id);
        }) > 0;
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        String roles = rs.getString("roles");
        return new ApiKey(rs.getString("key_id"), rs.getString("name"),
                roles.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(roles.split(","))), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("last_used_at")), instant(rs.getTimestamp("revoked_at")));
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
