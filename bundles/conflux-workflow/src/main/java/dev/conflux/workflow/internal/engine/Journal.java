package dev.conflux.workflow.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: state changes of many runs are queued and written by one thread, as many as are
 * waiting in one transaction, and each caller's future completes only once its change is
 * committed. On H2 with {@code WRITE_DELAY=0} a commit costs a disk sync; sharing it between
 * transitions is what makes durable runs fast.
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

        void bind(java.sql.PreparedStatement statement) throws SQLException;

        /** Inserts first (0), then updates (1). */
        int phase();

        @Override
        default void apply(Connection connection) throws SQLException {
            try (java.sql.PreparedStatement s = connection.prepareStatement(sql())) {
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
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    Journal(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new Thread(this::run, "conflux-workflow-journal");
        writer.setDaemon(true);
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
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(p -> p.done().completeExceptionally(e));
                return;
            }
        }
    }

    private void commit(List<Pending> batch) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                applyAll(c, batch);
                c.commit();
                batch.forEach(p -> p.done().complete(null));
                return;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                LOG.debug("A batch of {} writes failed; writing them one by one", batch.size(), e);
            }
            // isolate the failing write: the others must not fail with it
            for (Pending pending : batch) {
                try {
                    applyAll(c, List.of(pending));
                    c.commit();
                    pending.done().complete(null);
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    pending.done().completeExceptionally(e);
                }
            }
        } catch (SQLException e) {
            LOG.error("The workflow journal cannot reach the database", e);
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /** Applies a batch in order, turning each stretch of {@link Statement}s into JDBC batches. */
    private static void applyAll(Connection c, List<Pending> batch) throws SQLException {
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

    private static void runStretch(Connection c, List<Statement> stretch) throws SQLException {
        if (stretch.isEmpty()) {
            return;
        }
        java.util.Map<String, List<Statement>> bySql = new java.util.LinkedHashMap<>();
        stretch.stream().filter(s -> s.phase() == 0).forEach(s -> bySql.computeIfAbsent(s.sql(), k -> new ArrayList<>()).add(s));
        stretch.stream().filter(s -> s.phase() != 0).forEach(s -> bySql.computeIfAbsent(s.sql(), k -> new ArrayList<>()).add(s));
        for (var entry : bySql.entrySet()) {
            try (java.sql.PreparedStatement s = c.prepareStatement(entry.getKey())) {
                for (Statement statement : entry.getValue()) {
                    statement.bind(s);
                    s.addBatch();
                }
                s.executeBatch();
            }
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
