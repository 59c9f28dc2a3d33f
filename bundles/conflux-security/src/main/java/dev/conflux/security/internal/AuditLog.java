package dev.conflux.security.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.security.AuditEvent;
import dev.conflux.api.security.AuditTrail;
import dev.conflux.api.store.Jdbc;
import dev.conflux.api.store.StoreException;

/**
 * The audit trail as a hash chain: entry n stores the SHA-256 of its own fields and of entry n-1's
 * hash. Editing a stored entry breaks its own hash, deleting one breaks the numbering and the link of
 * the next. Pruning old entries records an {@code audit.prune} entry naming what went, so the chain
 * is verified from its new start. The last entry's number and hash are also kept in a file outside
 * the database (the <em>head</em>), so cutting entries off the end, or rewriting the whole chain
 * with fresh hashes, is found too.
 */
public final class AuditLog implements AuditTrail {

    static final String GENESIS = "0".repeat(64);
    static final String PRUNE_ACTION = "audit.prune";
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    /** What verification found: how many entries it checked and the first broken one, if any. */
    public record Verification(boolean intact, long checked, Long brokenAt, String problem) {
    }

    /** A page of entries, newest first. */
    public record Query(String principal, String actionPrefix, Instant from, Instant to, int offset, int limit) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Path headFile;
    private boolean headWarned;
    private long lastSeq = -1;
    private String lastHash;

    AuditLog(DataSource dataSource, Clock clock) {
        this(dataSource, clock, null);
    }

    /** @param headFile where the last entry's number and hash are kept; {@code null} for none */
    AuditLog(DataSource dataSource, Clock clock, Path headFile) {
        this.jdbc = new Jdbc(dataSource, "the security store");
        this.clock = clock;
        this.headFile = headFile;
    }

    @Override
    public void record(AuditEvent event) {
        try {
            append(event);
        } catch (RuntimeException e) {
            LOG.error("Could not write to the audit trail: {} {} {} by {}: {}", event.action(), event.target(),
                    event.outcome(), event.principal(), e.getMessage(), e);
        }
    }

    /** Appends and returns the stored entry; entries are numbered without gaps. */
    synchronized AuditEntry append(AuditEvent event) {
        for (int attempt = 0;; attempt++) {
            if (lastHash == null) {
                readTail();
            }
            AuditEntry entry = chain(lastSeq + 1, clock.instant().truncatedTo(ChronoUnit.MILLIS), event, lastHash);
            try {
                insert(entry);
                lastSeq = entry.seq();
                lastHash = entry.hash();
                writeHead(entry);
                return entry;
            } catch (StoreException e) {
                // another node appended first (or the insert failed): read the tail again and retry
                lastHash = null;
                if (attempt >= 2) {
                    throw e;
                }
            }
        }
    }

    static AuditEntry chain(long seq, Instant at, AuditEvent e, String prevHash) {
        // cut to the column widths first, so what is stored is exactly what the hash covers
        String principal = cut(e.principal(), 100);
        String address = cut(e.clientAddress(), 64);
        String action = cut(e.action(), 100);
        String hash = hash(seq, at, principal, address, action, e.target(), e.outcome(), e.detail(), prevHash);
        return new AuditEntry(seq, at, principal, address, action, cut(e.target(), 500), e.outcome(),
                cut(e.detail(), 1000), prevHash, hash);
    }

    static String hash(long seq, Instant at, String principal, String address, String action, String target,
            String outcome, String detail, String prevHash) {
        StringBuilder canonical = new StringBuilder();
        for (Object field : new Object[] {seq, at.toEpochMilli(), principal, address, action, cut(target, 500), outcome,
                cut(detail, 1000), prevHash}) {
            String text = field == null ? "" : field.toString();
            // length-prefixed, so no two different entries can write the same text
            canonical.append(field == null ? -1 : text.length()).append(':').append(text).append('|');
        }
        return Secrets.sha256(canonical.toString());
    }

    public Verification verify() {
        Optional<Head> head = readHead();
        return jdbc.inConnection(c -> {
            long checked = 0;
            Long previousSeq = null;
            String previousHash = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM sec_audit ORDER BY seq")) {
                ps.setFetchSize(500);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AuditEntry entry = entry(rs);
                        if (previousSeq == null) {
                            if (entry.seq() != 0 && !pruneRecorded(c, entry.seq() - 1)) {
                                return new Verification(false, checked, entry.seq(), "the trail starts at entry "
                                        + entry.seq() + ", but no audit.prune entry records removing the ones before it");
                            }
                            if (entry.seq() == 0 && !GENESIS.equals(entry.prevHash())) {
                                return new Verification(false, checked, entry.seq(), "the first entry does not start the chain");
                            }
                        } else if (entry.seq() != previousSeq + 1) {
                            return new Verification(false, checked, previousSeq + 1,
                                    "entries " + (previousSeq + 1) + " to " + (entry.seq() - 1) + " are missing");
                        } else if (!entry.prevHash().equals(previousHash)) {
                            return new Verification(false, checked, entry.seq(),
                                    "entry " + entry.seq() + " does not link to entry " + previousSeq);
                        }
                        String expected = hash(entry.seq(), entry.at(), entry.principal(), entry.clientAddress(),
                                entry.action(), entry.target(), entry.outcome(), entry.detail(), entry.prevHash());
                        if (!expected.equals(entry.hash())) {
                            return new Verification(false, checked, entry.seq(),
                                    "entry " + entry.seq() + " was changed after it was written");
                        }
                        if (head.isPresent() && head.get().seq() == entry.seq() && !head.get().hash().equals(entry.hash())) {
                            return new Verification(false, checked, entry.seq(), "entry " + entry.seq()
                                    + " is not the one that was written: the chain was rewritten up to here");
                        }
                        checked++;
                        previousSeq = entry.seq();
                        previousHash = entry.hash();
                    }
                }
            }
            long last = previousSeq == null ? -1 : previousSeq;
            if (head.isPresent() && head.get().seq() > last) {
                return new Verification(false, checked, last + 1, "the trail ends at entry " + last + ", but entries up to "
                        + head.get().seq() + " were written: the newest entries were removed");
            }
            return new Verification(true, checked, null, null);
        });
    }

    private record Head(long seq, String hash) {
    }

    private void writeHead(AuditEntry entry) {
        if (headFile == null) {
            return;
        }
        try {
            Files.createDirectories(headFile.getParent());
            Path next = headFile.resolveSibling(headFile.getFileName() + ".next");
            Files.writeString(next, entry.seq() + " " + entry.hash() + "\n");
            Files.move(next, headFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (!headWarned) {
                headWarned = true;
                LOG.warn("Could not keep the audit trail's head in {}; cut-off entries will not be detected: {}", headFile,
                        e.toString());
            }
        }
    }

    private Optional<Head> readHead() {
        if (headFile == null || !Files.isRegularFile(headFile)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(headFile).strip().split(" ");
            return parts.length == 2 ? Optional.of(new Head(Long.parseLong(parts[0]), parts[1])) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            LOG.warn("The audit trail's head in {} cannot be read: {}", headFile, e.toString());
            return Optional.empty();
        }
    }

    /** Deletes entries older than the cutoff and records that it did; @return how many went */
    synchronized int prune(Instant before) {
        Optional<AuditEntry> lastOld = jdbc.query("SELECT * FROM sec_audit WHERE at_ms < ? ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY",
                ps -> ps.setLong(1, before.toEpochMilli()), rs -> rs.next() ? Optional.of(entry(rs)) : Optional.empty());
        if (lastOld.isEmpty()) {
            return 0;
        }
        long upTo = lastOld.get().seq();
        // the record of the pruning is written first, so a crash in between never leaves an unexplained gap
        append(new AuditEvent("system", null, PRUNE_ACTION, "seq<=" + upTo, AuditEvent.SUCCESS,
                "entries up to " + upTo + " older than " + before + " removed; the last of them had hash "
                        + lastOld.get().hash()));
        return jdbc.update("DELETE FROM sec_audit WHERE seq <= ?", ps -> ps.setLong(1, upTo));
    }

    public List<AuditEntry> query(Query q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM sec_audit WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.principal() != null) {
            sql.append(" AND principal = ?");
            args.add(q.principal());
        }
        if (q.actionPrefix() != null) {
            sql.append(" AND action LIKE ? ESCAPE '\\'");
            args.add(q.actionPrefix().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (q.from() != null) {
            sql.append(" AND at_ms >= ?");
            args.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            sql.append(" AND at_ms < ?");
            args.add(q.to().toEpochMilli());
        }
        sql.append(" ORDER BY seq DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        args.add(q.offset());
        args.add(q.limit());
        return jdbc.query(sql.toString(), ps -> {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
        }, rs -> {
            List<AuditEntry> entries = new ArrayList<>();
            while (rs.next()) {
                entries.add(entry(rs));
            }
            return entries;
        });
    }

    /** Every entry from the oldest, one at a time, for export. */
    public void forEach(Instant from, Instant to, Consumer<AuditEntry> sink) {
        jdbc.inConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM sec_audit WHERE at_ms >= ? AND at_ms < ? ORDER BY seq")) {
                ps.setLong(1, from == null ? Long.MIN_VALUE : from.toEpochMilli());
                ps.setLong(2, to == null ? Long.MAX_VALUE : to.toEpochMilli());
                ps.setFetchSize(500);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(entry(rs));
                    }
                }
            }
            return null;
        });
    }

    private boolean pruneRecorded(Connection c, long upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sec_audit WHERE action = ? AND target = ?")) {
            ps.setString(1, PRUNE_ACTION);
            ps.setString(2, "seq<=" + upTo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void readTail() {
        Optional<AuditEntry> last = jdbc.query("SELECT * FROM sec_audit ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY",
                ps -> { }, rs -> rs.next() ? Optional.of(entry(rs)) : Optional.empty());
        lastSeq = last.map(AuditEntry::seq).orElse(-1L);
        lastHash = last.map(AuditEntry::hash).orElse(GENESIS);
    }

    private void insert(AuditEntry e) {
        jdbc.update("INSERT INTO sec_audit (seq, at_ms, principal, client_address, action, target, outcome, "
                + "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setLong(1, e.seq());
                    ps.setLong(2, e.at().toEpochMilli());
                    ps.setString(3, e.principal());
                    ps.setString(4, e.clientAddress());
                    ps.setString(5, e.action());
                    ps.setString(6, e.target());
                    ps.setString(7, e.outcome());
                    ps.setString(8, e.detail());
                    ps.setString(9, e.prevHash());
                    ps.setString(10, e.hash());
                });
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("at_ms")), rs.getString("principal"),
                rs.getString("client_address"), rs.getString("action"), rs.getString("target"), rs.getString("outcome"),
                rs.getString("detail"), rs.getString("prev_hash"), rs.getString("hash"));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
