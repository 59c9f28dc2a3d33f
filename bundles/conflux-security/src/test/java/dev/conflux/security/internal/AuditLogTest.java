package dev.conflux.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.conflux.api.security.AuditEvent;

public class AuditLogTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private DataSource dataSource;
    private TokenServiceTest.MutableClock clock;
    private AuditLog audit;

    @Before
    public void setUp() {
        dataSource = StoreFixture.database(folder);
        clock = new TokenServiceTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        audit = new AuditLog(dataSource, clock);
    }

    private void write(int n) {
        for (int i = 0; i < n; i++) {
            audit.record(new AuditEvent("ann", "10.0.0.1", "workflow.deploy", "wf-" + i, AuditEvent.SUCCESS, null));
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    public void entriesChainFromGenesisAndVerify() {
        write(5);
        List<AuditEntry> newestFirst = audit.query(new AuditLog.Query(null, null, null, null, 0, 10));
        assertEquals(5, newestFirst.size());
        AuditEntry first = newestFirst.get(4);
        assertEquals(0, first.seq());
        assertEquals(AuditLog.GENESIS, first.prevHash());
        assertEquals(newestFirst.get(1).hash(), newestFirst.get(0).prevHash());
        AuditLog.Verification v = audit.verify();
        assertTrue(v.toString(), v.intact());
        assertEquals(5, v.checked());
    }

    @Test
    public void anEditedEntryIsFoundAtItsSeq() throws Exception {
        write(5);
        sql("UPDATE sec_audit SET principal = 'mallory' WHERE seq = 2");
        AuditLog.Verification v = audit.verify();
        assertFalse(v.intact());
        assertEquals(Long.valueOf(2), v.brokenAt());
        assertTrue(v.problem(), v.problem().contains("changed"));
    }

    @Test
    public void aDeletedEntryIsFound() throws Exception {
        write(5);
        sql("DELETE FROM sec_audit WHERE seq = 3");
        AuditLog.Verification v = audit.verify();
        assertFalse(v.intact());
        assertEquals(Long.valueOf(3), v.brokenAt());
    }

    @Test
    public void aRecomputedHashStillBreaksTheNextLink() throws Exception {
        write(5);
        AuditEntry second = audit.query(new AuditLog.Query(null, null, null, null, 3, 1)).get(0);
        String forged = AuditLog.hash(second.seq(), second.at(), "mallory", second.clientAddress(), second.action(),
                second.target(), second.outcome(), second.detail(), second.prevHash());
        sql("UPDATE sec_audit SET principal = 'mallory', hash = '" + forged + "' WHERE seq = " + second.seq());
        AuditLog.Verification v = audit.verify();
        assertFalse(v.intact());
        assertEquals(Long.valueOf(second.seq() + 1), v.brokenAt());
    }

    @Test
    public void droppingTheOldestEntriesWithoutAPruneRecordIsFound() throws Exception {
        write(5);
        sql("DELETE FROM sec_audit WHERE seq < 2");
        assertFalse(audit.verify().intact());
    }

    @Test
    public void pruningKeepsTheChainVerifiableFromItsNewStart() {
        write(5);
        clock.advance(Duration.ofDays(10));
        write(2);
        int pruned = audit.prune(clock.instant().minus(Duration.ofDays(1)));
        assertEquals(5, pruned);
        AuditLog.Verification v = audit.verify();
        assertTrue(v.toString(), v.intact());
        assertEquals(3, v.checked());
        write(1);
        assertTrue(audit.verify().intact());
    }

    @Test
    public void aNewLogOnTheSameDatabaseContinuesTheChain() {
        write(3);
        AuditLog restarted = new AuditLog(dataSource, clock);
        restarted.record(new AuditEvent("bob", null, "auth.login", "bob", AuditEvent.FAILURE, "wrong password"));
        assertTrue(restarted.verify().intact());
        assertEquals(4, restarted.verify().checked());
    }

    @Test
    public void cuttingOffTheNewestEntriesIsFoundThroughTheHead() throws Exception {
        Path head = Files.createTempDirectory("audit").resolve("audit-head");
        AuditLog withHead = new AuditLog(dataSource, clock, head);
        for (int i = 0; i < 5; i++) {
            withHead.record(new AuditEvent("alice", null, "workflow.deploy", "wf-" + i, AuditEvent.SUCCESS, null));
        }
        assertTrue(withHead.verify().intact());
        sql("DELETE FROM sec_audit WHERE seq >= 3");
        AuditLog.Verification v = withHead.verify();
        assertFalse(v.intact());
        assertEquals(Long.valueOf(3), v.brokenAt());
        assertTrue(v.problem(), v.problem().contains("newest entries were removed"));
    }

    @Test
    public void rewritingTheWholeChainIsFoundThroughTheHead() throws Exception {
        Path head = Files.createTempDirectory("audit").resolve("audit-head");
        AuditLog withHead = new AuditLog(dataSource, clock, head);
        for (int i = 0; i < 3; i++) {
            withHead.record(new AuditEvent("alice", null, "workflow.deploy", "wf-" + i, AuditEvent.SUCCESS, null));
        }
        // a forger who knows the algorithm recomputes every hash after changing entry 1
        sql("DELETE FROM sec_audit");
        AuditLog forger = new AuditLog(dataSource, clock);
        for (int i = 0; i < 3; i++) {
            forger.record(new AuditEvent("alice", null, "workflow.deploy", i == 1 ? "harmless" : "wf-" + i,
                    AuditEvent.SUCCESS, null));
        }
        assertTrue("without the head the forgery is consistent", forger.verify().intact());
        AuditLog.Verification v = withHead.verify();
        assertFalse(v.intact());
        assertEquals(Long.valueOf(2), v.brokenAt());
    }

    @Test
    public void theHashCoversEveryFieldWithoutAmbiguity() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        String a = AuditLog.hash(1, at, "ab", "c", "x", null, "success", null, AuditLog.GENESIS);
        String b = AuditLog.hash(1, at, "a", "bc", "x", null, "success", null, AuditLog.GENESIS);
        String c = AuditLog.hash(1, at, "ab", "c", "x", "", "success", null, AuditLog.GENESIS);
        assertNotEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    public void queriesFilterByPrincipalActionAndTime() {
        write(3);
        audit.record(new AuditEvent("bob", null, "auth.login", "bob", AuditEvent.FAILURE, null));
        assertEquals(1, audit.query(new AuditLog.Query("bob", null, null, null, 0, 10)).size());
        assertEquals(1, audit.query(new AuditLog.Query(null, "auth.", null, null, 0, 10)).size());
        assertEquals(0, audit.query(new AuditLog.Query(null, "auth_", null, null, 0, 10)).size());
        assertEquals(2, audit.query(new AuditLog.Query(null, null, Instant.parse("2026-01-01T00:00:02Z"), null, 0, 10)).size());
    }

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }
}
