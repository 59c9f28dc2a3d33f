package dev.conflux.security.internal;

import java.time.Instant;
import java.util.Set;

/** An API key as listed: never its secret. */
public record ApiKey(String id, String name, Set<String> roles, String createdBy, Instant createdAt, Instant expiresAt,
        Instant lastUsedAt, Instant revokedAt) {

    public ApiKey {
        roles = Set.copyOf(roles);
    }

    public boolean usable(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
