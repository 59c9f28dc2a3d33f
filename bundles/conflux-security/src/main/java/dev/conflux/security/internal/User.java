package dev.conflux.security.internal;

import java.time.Instant;
import java.util.Set;

/** A stored user. {@code preferences} is a JSON object as text. */
public record User(String username, String passwordHash, String displayName, String email, String preferences,
        Set<String> roles, Instant createdAt, Instant updatedAt) {

    public User {
        roles = Set.copyOf(roles);
    }
}
