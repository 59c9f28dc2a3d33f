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
}
