package dev.conflux.api.security;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The one audit trail of Conflux: every capability records its state-changing actions here.
 * Entries are chained by hash, so an edited or deleted entry is found by verification.
 * Calls made through the REST API are recorded by the security capability at its edge; a capability
 * records what reaches it another way (a file in {@code deploy/}, a trigger, a shell command).
 */
@ProviderType
public interface AuditTrail {

    /** Appends the event; it is stored before this returns. Never throws for a storage failure: it logs it. */
    void record(AuditEvent event);
}
