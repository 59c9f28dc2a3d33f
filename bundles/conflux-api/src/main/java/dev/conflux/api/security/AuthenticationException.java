package dev.conflux.api.security;

/**
 * The credentials did not prove who the caller is. The message is safe to show to the caller: it
 * never says whether a user exists.
 */
public class AuthenticationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a caller was not let in. */
    public enum Reason {
        /** No credentials were presented. */
        MISSING,
        /** The credentials are wrong, expired or revoked. */
        INVALID,
        /** Too many failed attempts: the account or the address is locked for a while. */
        LOCKED
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    public AuthenticationException(Reason reason, String message) {
        this(reason, message, 0);
    }

    public AuthenticationException(Reason reason, String message, long retryAfterSeconds) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#LOCKED}: seconds until a new attempt may succeed; otherwise 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
