package dev.conflux.api.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The JDBC shapes every Conflux bundle uses, over one {@link DataSource}: a connection or a
 * transaction for a piece of work, a query, an update. Statements are always prepared and their
 * parameters bound; an {@link SQLException} becomes a {@link StoreException} that names the store.
 */
public final class Jdbc {

    /** Work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        Binder NONE = statement -> { };

        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Reads a whole result set. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ResultSet resultSet) throws SQLException;
    }

    /** Reads the current row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;
    private final String store;

    /**
     * @param store what the data is, for error messages ("the security store failed: ...")
     */
    public Jdbc(DataSource dataSource, String store) {
        this.dataSource = dataSource;
        this.store = store;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public <T> T inConnection(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StoreException(store, e);
        }
    }

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
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
            throw new StoreException(store, e);
        }
    }

    public <T> T query(String sql, Binder binder, Reader<T> reader) {
        return inConnection(c -> query(c, sql, binder, reader));
    }

    /** Every row, mapped. */
    public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) {
        return query(sql, binder, rows(mapper));
    }

    /** The first row, mapped, if there is one. */
    public <T> Optional<T> first(String sql, Binder binder, RowMapper<T> mapper) {
        return query(sql, binder, rs -> rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty());
    }

    public int update(String sql, Binder binder) {
        return inConnection(c -> update(c, sql, binder));
    }

    /** A query on a connection the caller holds (inside {@link #inTransaction}, say). */
    public static <T> T query(Connection c, String sql, Binder binder, Reader<T> reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        }
    }

    /** An update on a connection the caller holds. */
    public static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    /** A reader that maps every row. */
    public static <T> Reader<List<T>> rows(RowMapper<T> mapper) {
        return rs -> {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        };
    }
}
