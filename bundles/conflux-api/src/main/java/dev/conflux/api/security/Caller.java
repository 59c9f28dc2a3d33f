package dev.conflux.api.security;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller.
 *
 * @param name the user name, or {@code apikey:<id>} for an API key
 * @param roles the roles it holds, a subset of {@link Roles#ALL}
 * @param method how it proved who it is: {@code password}, {@code token} or {@code apikey}
 * @param tokenId the id of the access token it presented, or {@code null}
 */
public record Caller(String name, Set<String> roles, String method, String tokenId) {

    public Caller {
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(method, "method");
    }

    /** Whether the caller may act in one of these roles; {@code admin} may act in any. */
    public boolean mayActAs(Collection<String> allowed) {
        if (roles.contains(Roles.ADMIN)) {
            return true;
        }
        for (String role : allowed) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
