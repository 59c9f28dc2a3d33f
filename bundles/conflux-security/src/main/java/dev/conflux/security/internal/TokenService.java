package dev.conflux.security.internal;

import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.sql.DataSource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.conflux.api.store.Jdbc;
import dev.conflux.api.store.StoreException;

/**
 * Access tokens are JWTs signed with HMAC-SHA256 under a key kept in the database (so every node
 * and every restart accepts them); they are not stored, and a revoked one is listed until it would
 * have expired. Refresh tokens are opaque ({@code <id>.<secret>}), stored as digests and rotated on
 * every use; presenting one that was already used revokes every session of its user, since only a
 * stolen copy would be presented twice.
 */
public final class TokenService {

    static final String ISSUER = "conflux";
    private static final String ROLES_CLAIM = "roles";

    /** What a login or a refresh hands out. */
    public record Tokens(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt,
            String accessId) {
    }

    /** What a valid access token says. */
    public record Claims(String subject, Set<String> roles, String tokenId, Instant expiresAt) {
    }

    /** A live refresh token, as {@code security:sessions} lists it. */
    public record Session(String id, String username, String client, Instant createdAt, Instant expiresAt) {
    }

    private final Jdbc jdbc;
    private final Secrets secrets;
    private final Clock clock;
    private final Duration accessLifetime;
    private final Duration refreshLifetime;
    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private final String keyId;
    private final ConcurrentMap<String, Instant> revoked = new ConcurrentHashMap<>();

    TokenService(DataSource dataSource, Secrets secrets, Clock clock, Duration accessLifetime, Duration refreshLifetime) {
        this.jdbc = new Jdbc(dataSource, "the security store");
        this.secrets = secrets;
        this.clock = clock;
        this.accessLifetime = accessLifetime;
        this.refreshLifetime = refreshLifetime;
        String[] key = signingKey();
        this.keyId = key[0];
        byte[] secret = Base64.getDecoder().decode(key[1]);
        try {
            this.signer = new MACSigner(secret);
            this.verifier = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException("the stored signing key is unusable: " + e.getMessage(), e);
        }
        loadRevoked();
    }

    Tokens issue(String username, Set<String> roles, String client) {
        Instant now = clock.instant();
        String accessId = UUID.randomUUID().toString();
        Instant accessExpires = now.plus(accessLifetime);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(username).jwtID(accessId)
                .issueTime(Date.from(now)).expirationTime(Date.from(accessExpires))
                .claim(ROLES_CLAIM, new ArrayList<>(roles)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        String refreshId = UUID.randomUUID().toString();
        String refreshSecret = secrets.random(32);
        Instant refreshExpires = now.plus(refreshLifetime);
        jdbc.update("INSERT INTO sec_refresh_token (token_id, secret_hash, username, access_id, client, "
                + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, refreshId);
                    ps.setString(2, Secrets.sha256(refreshSecret));
                    ps.setString(3, username);
                    ps.setString(4, accessId);
                    ps.setString(5, client);
                    ps.setTimestamp(6, Timestamp.from(now));
                    ps.setTimestamp(7, Timestamp.from(refreshExpires));
                });
        return new Tokens(jwt.serialize(), accessExpires, refreshId + "." + refreshSecret, refreshExpires, accessId);
    }

    /** The claims of a token that is well formed, signed by us, unexpired and not revoked. */
    Optional<Claims> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            if (!ISSUER.equals(claims.getIssuer()) || expires == null || !expires.toInstant().isAfter(clock.instant())
                    || claims.getSubject() == null || claims.getJWTID() == null || revoked.containsKey(claims.getJWTID())) {
                return Optional.empty();
            }
            List<String> roles = claims.getStringListClaim(ROLES_CLAIM);
            return Optional.of(new Claims(claims.getSubject(), roles == null ? Set.of() : new HashSet<>(roles),
                    claims.getJWTID(), expires.toInstant()));
        } catch (ParseException | JOSEException | RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /**
     * Uses a refresh token up: it and the access token it came with are revoked.
     *
     * @return the user it was issued to, if the token is known, unexpired and unused
     */
    Optional<String> redeem(String refreshToken) {
        int dot = refreshToken == null ? -1 : refreshToken.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        String id = refreshToken.substring(0, dot);
        String secret = refreshToken.substring(dot + 1);
        record Row(String hash, String username, String accessId, Instant expiresAt, boolean rotated) {
        }
        Optional<Row> row = jdbc.query("SELECT * FROM sec_refresh_token WHERE token_id = ?",
                ps -> ps.setString(1, id), rs -> rs.next()
                        ? Optional.of(new Row(rs.getString("secret_hash"), rs.getString("username"), rs.getString("access_id"),
                                rs.getTimestamp("expires_at").toInstant(), rs.getBoolean("rotated")))
                        : Optional.empty());
        if (row.isEmpty() || !Secrets.sameDigest(row.get().hash(), Secrets.sha256(secret))) {
            return Optional.empty();
        }
        if (!row.get().expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        // one statement claims the token, so two concurrent refreshes cannot both succeed
        int claimed = jdbc.update("UPDATE sec_refresh_token SET revoked_at = ?, rotated = TRUE "
                + "WHERE token_id = ? AND revoked_at IS NULL", ps -> {
                    ps.setTimestamp(1, Timestamp.from(clock.instant()));
                    ps.setString(2, id);
                });
        if (claimed == 0) {
            if (row.get().rotated()) {
                // it was used before: only a copy can be presented twice, so every session of the user ends
                revokeAllOf(row.get().username());
            }
            return Optional.empty();
        }
        revokeAccess(row.get().accessId());
        return Optional.of(row.get().username());
    }

    /** Logout: the access token and the refresh token issued with it stop working. */
    void revokeAccess(String accessId) {
        Instant now = clock.instant();
        Instant until = now.plus(accessLifetime);
        if (!revoked.containsKey(accessId)) {
            // stored before it is believed, so a failure leaves nothing half revoked; portable SQL (H2, PostgreSQL)
            int exists = jdbc.query("SELECT COUNT(*) FROM sec_revoked_token WHERE token_id = ?",
                    ps -> ps.setString(1, accessId), rs -> rs.next() ? rs.getInt(1) : 0);
            if (exists == 0) {
                try {
                    jdbc.update("INSERT INTO sec_revoked_token (token_id, expires_at) VALUES (?, ?)", ps -> {
                        ps.setString(1, accessId);
                        ps.setTimestamp(2, Timestamp.from(until));
                    });
                } catch (StoreException raced) {
                    // revoked at the same moment by another request: the row is there, which is all that matters
                }
            }
        }
        jdbc.update("UPDATE sec_refresh_token SET revoked_at = ? WHERE access_id = ? AND revoked_at IS NULL",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, accessId);
                });
        revoked.putIfAbsent(accessId, until);
    }

    /** Ends every session of a user: after a password change, a role change, a deletion or a stolen refresh token. */
    int revokeAllOf(String username) {
        List<String> accessIds = jdbc.query("SELECT access_id FROM sec_refresh_token WHERE username = ? "
                + "AND revoked_at IS NULL AND expires_at > ?", ps -> {
                    ps.setString(1, username);
                    ps.setTimestamp(2, Timestamp.from(clock.instant().minus(accessLifetime)));
                }, rs -> {
                    List<String> ids = new ArrayList<>();
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                    return ids;
                });
        accessIds.forEach(this::revokeAccess);
        return accessIds.size();
    }

    /** Revokes one session by its refresh token id; false when there is no live one. */
    boolean revokeSession(String refreshId) {
        Optional<String> accessId = jdbc.query("SELECT access_id FROM sec_refresh_token WHERE token_id = ? AND revoked_at IS NULL",
                ps -> ps.setString(1, refreshId), rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty());
        accessId.ifPresent(this::revokeAccess);
        return accessId.isPresent();
    }

    List<Session> sessions() {
        return jdbc.query("SELECT * FROM sec_refresh_token WHERE revoked_at IS NULL AND expires_at > ? "
                + "ORDER BY created_at", ps -> ps.setTimestamp(1, Timestamp.from(clock.instant())), rs -> {
                    List<Session> sessions = new ArrayList<>();
                    while (rs.next()) {
                        sessions.add(new Session(rs.getString("token_id"), rs.getString("username"), rs.getString("client"),
                                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant()));
                    }
                    return sessions;
                });
    }

    /** Forgets what can no longer be presented: expired refresh tokens and revocations of expired access tokens. */
    void purgeExpired() {
        Instant now = clock.instant();
        revoked.values().removeIf(until -> until.isBefore(now));
        jdbc.update("DELETE FROM sec_revoked_token WHERE expires_at < ?", ps -> ps.setTimestamp(1, Timestamp.from(now)));
        jdbc.update("DELETE FROM sec_refresh_token WHERE expires_at < ?",
                ps -> ps.setTimestamp(1, Timestamp.from(now.minus(Duration.ofDays(1)))));
    }

    private void loadRevoked() {
        jdbc.query("SELECT token_id, expires_at FROM sec_revoked_token WHERE expires_at > ?",
                ps -> ps.setTimestamp(1, Timestamp.from(clock.instant())), rs -> {
                    while (rs.next()) {
                        revoked.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                    }
                    return null;
                });
    }

    /** The signing key, made on first use; a concurrent first start on another node wins or loses cleanly. */
    private String[] signingKey() {
        Optional<String[]> existing = readKey();
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        String id = UUID.randomUUID().toString();
        try {
            jdbc.update("INSERT INTO sec_signing_key (key_id, secret, created_at) VALUES (?, ?, ?)", ps -> {
                ps.setString(1, id);
                ps.setString(2, Base64.getEncoder().encodeToString(secret));
                ps.setTimestamp(3, Timestamp.from(clock.instant()));
            });
        } catch (StoreException raced) {
            return readKey().orElseThrow(() -> raced);
        }
        return readKey().orElseThrow();
    }

    private Optional<String[]> readKey() {
        return jdbc.query("SELECT key_id, secret FROM sec_signing_key ORDER BY created_at, key_id", ps -> { },
                rs -> rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty());
    }
}
