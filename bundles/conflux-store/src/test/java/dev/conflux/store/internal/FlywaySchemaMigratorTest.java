package dev.conflux.store.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.conflux.api.store.MigrationException;
import dev.conflux.api.store.MigrationReport;

public class FlywaySchemaMigratorTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private JdbcDataSource dataSource;
    private FlywaySchemaMigrator migrator;
    private final ClassLoader loader = getClass().getClassLoader();

    @Before
    public void fileDatabase() {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + new File(folder.getRoot(), "db").getAbsolutePath() + ";WRITE_DELAY=0");
        dataSource.setUser("sa");
        migrator = new FlywaySchemaMigrator(dataSource);
    }

    @Test
    public void appliesPendingScriptsInOrderAndThenNothing() throws SQLException {
        MigrationReport first = migrator.migrate("orders", loader);
        assertEquals(2, first.applied());
        assertEquals("2", first.version());
        insertOrder("o-1");
        assertEquals("NEW", queryString("SELECT state FROM orders WHERE id = 'o-1'"));

        MigrationReport again = migrator.migrate("orders", loader);
        assertEquals(0, again.applied());
        assertEquals("2", again.version());
    }

    @Test
    public void ownersMigrateIndependentlyInOneSchema() throws SQLException {
        migrator.migrate("orders", loader);
        MigrationReport audit = migrator.migrate("audit", loader);
        assertEquals(1, audit.applied());
        assertEquals("1", audit.version());
        assertEquals("2", queryString("SELECT MAX(\"version\") FROM \"schema_history_orders\" WHERE \"success\""));
        assertEquals("1", queryString("SELECT MAX(\"version\") FROM \"schema_history_audit\" WHERE \"version\" <> '0'"));
    }

    @Test
    public void aScriptChangedAfterItRanIsRefused() throws IOException {
        Path scripts = folder.newFolder("classes", "db", "migration", "notes").toPath();
        Files.writeString(scripts.resolve("V1__notes.sql"), "CREATE TABLE notes (id INT PRIMARY KEY);");
        ClassLoader edited = new URLClassLoader(new URL[] {new File(folder.getRoot(), "classes").toURI().toURL()}, null);
        assertEquals(1, migrator.migrate("notes", edited).applied());

        Files.writeString(scripts.resolve("V1__notes.sql"), "CREATE TABLE notes (id BIGINT PRIMARY KEY);");
        MigrationException e = assertThrows(MigrationException.class, () -> migrator.migrate("notes", edited));
        assertTrue(e.getMessage(), e.getMessage().contains("'notes'"));
        assertTrue(e.getMessage(), e.getMessage().toLowerCase().contains("checksum"));
    }

    @Test
    public void aFailingScriptNamesTheOwnerAndTheScript() {
        MigrationException e = assertThrows(MigrationException.class, () -> migrator.migrate("broken", loader));
        assertTrue(e.getMessage(), e.getMessage().contains("'broken'"));
        assertTrue(e.getMessage(), e.getMessage().contains("V1__broken.sql"));
    }

    @Test
    public void anOwnerWithoutScriptsHasNoVersion() {
        MigrationReport report = migrator.migrate("nothing_here", loader);
        assertEquals(0, report.applied());
        assertNull(report.version());
    }

    @Test
    public void ownerNamesCannotReachOtherLocationsOrTables() {
        assertThrows(IllegalArgumentException.class, () -> migrator.migrate("../orders", loader));
        assertThrows(IllegalArgumentException.class, () -> migrator.migrate("Orders", loader));
        assertThrows(IllegalArgumentException.class, () -> migrator.migrate("a;drop", loader));
    }

    private void insertOrder(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO orders (id, created_at) VALUES ('" + id + "', CURRENT_TIMESTAMP)");
        }
    }

    private String queryString(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
