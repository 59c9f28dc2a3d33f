package dev.conflux.workflow.internal.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.concurrent.NamedThreads;

/**
 * Group commit: state changes of many runs are queued and written by one thread, as many as are
 * waiting in one transaction, and each caller's future completes only once its change is
 * committed. On H2 with {@code WRITE_DELAY=0} a commit costs a disk sync; sharing it between
 * transitions is what makes durable runs fast. The writer keeps one connection with its prepared
 * statements for as long as it works (parsing SQL again for every batch cost a seventh of the
 * writer's time); after an error it takes a fresh one.
 */
final class Journal implements AutoCloseable {

    /** One change, applied inside the batch's transaction. */
    @FunctionalInterface
    interface Write {
        void apply(Connection connection) throws SQLException;
    }

    /**
     * A change that is one statement: the journal runs all such changes of a batch that share a
     * statement as one JDBC batch. Inserts run before updates within a run of such changes, so an
     * update never precedes the insert of its row; changes to one row keep their order.
     */
    interface Statement extends Write {
        String sql();

        void bind(PreparedStatement statement) throws SQLException;

        /** Inserts first (0), then updates (1). */
        int phase();

        @Override
        default void apply(Connection connection) throws SQLException {
            try (PreparedStatement s = connection.prepareStatement(sql())) {
                bind(s);
                s.executeUpdate();
            }
        }
    }

    private record Pending(List<Write> writes, CompletableFuture<Void> done) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int MAX_BATCH = 1_000;
    private static final Pending STOP = new Pending(List.of(), new CompletableFuture<>());

    private final DataSource dataSource;
    private Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    Journal(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = NamedThreads.thread("conflux-workflow-journal", this::run);
        writer.start();
    }

    /** Queues a change; the future completes when it is committed, or fails with the database's error. */
    CompletableFuture<Void> submit(Write write) {
        return submitAll(List.of(write));
    }

    /** Queues changes that are committed together, in one transaction, or not at all. */
    CompletableFuture<Void> submitAll(List<Write> writes) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the workflow engine is stopping"));
            return done;
        }
        queue.add(new Pending(List.copyOf(writes), done));
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = batch.remove(STOP);
                commit(batch);
                batch.clear();
                if (stop) {
                    disconnect();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(p -> p.done().completeExceptionally(e));
                disconnect();
                return;
            }
        }
    }

    private void commit(List<Pending> batch) {
        Connection c;
        try {
            c = connection();
        } catch (SQLException e) {
            LOG.error("The workflow journal cannot reach the database", e);
            batch.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        try {
            applyAll(c, batch);
            c.commit();
            batch.forEach(p -> p.done().complete(null));
            return;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("A batch of {} writes failed; writing them one by one", batch.size(), e);
            if (!rollback(c)) {
                batch.forEach(p -> p.done().completeExceptionally(e));
                return;
            }
        }
        // isolate the failing write: the others must not fail with it
        for (Pending pending : batch) {
            try {
                applyAll(connection(), List.of(pending));
                connection.commit();
                pending.done().complete(null);
            } catch (SQLException | RuntimeException e) {
                pending.done().completeExceptionally(e);
                if (connection != null) {
                    rollback(connection);
                }
            }
        }
    }

    /** @return whether the connection is still good; when not, it is dropped and the next batch takes a fresh one */
    private boolean rollback(Connection c) {
        try {
            c.rollback();
            for (PreparedStatement statement : prepared.values()) {
                statement.clearBatch(); // a batch cut short by a failing bind must not run with the next one
            }
            return true;
        } catch (SQLException e) {
            LOG.warn("The workflow journal's connection failed; taking a new one", e);
            disconnect();
            return false;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            disconnect();
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = c.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    private void disconnect() {
        prepared.clear();
        if (connection != null) {
            try {
                connection.close(); // closes its statements, and gives it back to the pool
            } catch (SQLException e) {
                LOG.debug("Closing the journal's connection failed", e);
            }
            connection = null;
        }
    }

    /** Applies a batch in order, turning each stretch of {@link Statement}s into JDBC batches. */
    private void applyAll(Connection c, List<Pending> batch) throws SQLException {
        List<Statement> stretch = new ArrayList<>();
        for (Pending pending : batch) {
            for (Write write : pending.writes()) {
                if (write instanceof Statement statement) {
                    stretch.add(statement);
                } else {
                    runStretch(c, stretch);
                    write.apply(c);
                }
            }
        }
        runStretch(c, stretch);
    }

    private void runStretch(Connection c, List<Statement> stretch) throws SQLException {
        if (stretch.isEmpty()) {
            return;
        }
        Map<String, List<Statement>> bySql = new LinkedHashMap<>();
        stretch.stream().filter(s -> s.phase() == 0).forEach(s -> bySql.computeIfAbsent(s.sql(), k -> new ArrayList<>()).add(s));
        stretch.stream().filter(s -> s.phase() != 0).forEach(s -> bySql.computeIfAbsent(s.sql(), k -> new ArrayList<>()).add(s));
        for (var entry : bySql.entrySet()) {
            PreparedStatement s = prepare(c, entry.getKey());
            if (entry.getValue().size() == 1) {
                entry.getValue().get(0).bind(s);
                s.executeUpdate();
                continue;
            }
            for (Statement statement : entry.getValue()) {
                statement.bind(s);
                s.addBatch();
            }
            s.executeBatch();
        }
        stretch.clear();
    }

    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("the workflow engine stopped"));
        }
    }
}
