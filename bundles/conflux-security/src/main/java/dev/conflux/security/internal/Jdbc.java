package dev.conflux.security.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/** The few JDBC shapes this bundle uses; SQL failures become {@link StoreException}. */
final class Jdbc {

    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    interface Reader<T> {
        T read(ResultSet resultSet) throws SQLException;
    }

    private Jdbc() {
    }

    static <T> T inConnection(DataSource dataSource, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    static <T> T query(DataSource dataSource, String sql, Binder binder, Reader<T> reader) {
        return inConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return reader.read(rs);
                }
            }
        });
    }

    static int update(DataSource dataSource, String sql, Binder binder) {
        return inConnection(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** The database failed; callers answer 503, never half-done work. */
    static final class StoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoreException(SQLException cause) {
            super("the security store failed: " + cause.getMessage(), cause);
        }
    }
}
