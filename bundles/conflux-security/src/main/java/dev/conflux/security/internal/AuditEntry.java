package dev.conflux.security.internal;

import java.time.Instant;

/** A stored audit record, with its place in the hash chain. */
public record AuditEntry(long seq, Instant at, String principal, String clientAddress, String action, String target,
        String outcome, String detail, String prevHash, String hash) {
}
