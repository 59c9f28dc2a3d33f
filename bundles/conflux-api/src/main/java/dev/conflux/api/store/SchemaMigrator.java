package dev.conflux.api.store;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Brings a capability's tables to the newest version of its migration scripts.
 *
 * <p>A capability keeps its scripts at {@code db/migration/<owner>/} in its own bundle, named
 * {@code V<version>__<description>.sql} ({@code V1__runs.sql}, {@code V2__run_index.sql}), written
 * in SQL that H2 and PostgreSQL both accept. Each owner has its own history table, so capabilities
 * migrate independently. Applied scripts are checksummed: a script changed after it ran is refused.
 * Migrating again when everything is applied does nothing.
 */
@ProviderType
public interface SchemaMigrator {

    /**
     * Applies the owner's pending scripts, each in its own transaction.
     *
     * @param owner the capability's name: lower case letters, digits and underscores ({@code workflow})
     * @param classLoader the loader that sees the scripts: the capability bundle's class loader
     * @throws MigrationException when a script fails or an applied script was changed; the message
     *     names the owner and the script. PostgreSQL rolls a failed script back; H2 commits DDL
     *     statement by statement, so there the statements before the failing one stay.
     */
    MigrationReport migrate(String owner, ClassLoader classLoader);
}
