package dev.conflux.workflow.internal.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.conflux.api.store.StoreException;
import dev.conflux.store.internal.FlywaySchemaMigrator;

public class DefinitionStoreTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private JdbcDataSource dataSource;
    private DefinitionStore store;
    private final Instant at = Instant.parse("2026-01-31T12:00:00Z");
    /** Hashes fill their CHAR(64) column, as SHA-256 in hex does. */
    private static final String H1 = "1".repeat(64);
    private static final String H2 = "2".repeat(64);

    @Before
    public void setUp() {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + new File(folder.getRoot(), "db").getAbsolutePath() + ";DB_CLOSE_DELAY=-1");
        new FlywaySchemaMigrator(dataSource).migrate("workflow", getClass().getClassLoader());
        store = new DefinitionStore(dataSource);
    }

    @Test
    public void aChangedSourceIsANewVersionAndTheSameSourceIsNot() {
        assertEquals(new DefinitionStore.Stored(1, true), store.store("orders", "a", H1, "first", 2, "api", at));
        assertEquals(new DefinitionStore.Stored(1, false), store.store("orders", "a", H1, "first", 2, "api", at));
        assertEquals(new DefinitionStore.Stored(2, true), store.store("orders", "b", H2, "second", 3, "deploy/orders.yaml", at));

        assertEquals(2, store.current("orders").orElseThrow().version());
        assertEquals(2, store.versions("orders").size());
        assertEquals(Optional.of("a"), store.source("orders", 1));
        assertEquals(Optional.of("orders"), store.deployedFrom("deploy/orders.yaml"));
        assertEquals(1, store.count());
        assertEquals(1, store.list(0, 10).size());
    }

    @Test
    public void anUndeployedWorkflowIsNoLongerCurrentButKeepsItsVersions() {
        store.store("orders", "a", H1, "first", 2, "api", at);
        assertTrue(store.undeploy("orders"));
        assertFalse("only once", store.undeploy("orders"));
        assertTrue(store.current("orders").isEmpty());
        assertEquals(0, store.count());
        assertEquals(1, store.versions("orders").size());
        assertEquals("deploying again marks it deployed", new DefinitionStore.Stored(1, false),
                store.store("orders", "a", H1, "first", 2, "api", at));
    }

    @Test
    public void aDatabaseFailureIsAStoreExceptionWithItsSqlState() throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute("DROP TABLE wf_definition");
        }
        try {
            store.current("orders");
            fail("the table is gone");
        } catch (StoreException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("the workflow store failed: "));
            assertEquals("42S02", e.sqlState());
        }
    }
}
