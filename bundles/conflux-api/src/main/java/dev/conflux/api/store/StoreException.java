package dev.conflux.api.store;

import java.sql.SQLException;

/** The database failed; a caller answers 503 rather than act on half-done work. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String store, SQLException cause) {
        super(store + " failed: " + cause.getMessage(), cause);
    }

    /** The SQL state of the failure, for a message that names it; {@code null} where the driver gave none. */
    public String sqlState() {
        return getCause() instanceof SQLException e ? e.getSQLState() : null;
    }
}
