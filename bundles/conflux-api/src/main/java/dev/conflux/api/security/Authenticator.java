package dev.conflux.api.security;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks a request's credentials against the one user store of Conflux: passwords (HTTP Basic),
 * access tokens and API keys ({@code Bearer} or {@code X-API-Key}). Faces that are not JAX-RS
 * resources (SOAP, servlets) use it to admit callers; JAX-RS resources are guarded for them.
 */
@ProviderType
public interface Authenticator {

    /**
     * @return the caller the credentials prove
     * @throws AuthenticationException when they are missing, wrong, expired or revoked, or when
     *     the account or address is locked after repeated failures
     */
    Caller authenticate(Credentials credentials) throws AuthenticationException;

    /**
     * Takes one request from the caller's rate limit, the same budget the REST API draws from.
     * Call it with the client address before {@link #authenticate} (so floods of bad credentials
     * cost nothing) and with the principal after.
     *
     * @param principal the authenticated caller's name, or {@code null} before authentication
     * @param clientAddress the client's address, or {@code null} after authentication
     * @param changes whether the request changes something (writes have the smaller budget)
     * @return {@code 0} when the request may go ahead, otherwise the seconds until it would
     */
    long throttle(String principal, String clientAddress, boolean changes);
}
