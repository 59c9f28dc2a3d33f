package dev.conflux.api.store;

/** A schema migration failed; the message names the owner and the script. */
public class MigrationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
