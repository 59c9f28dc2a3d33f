package dev.conflux.api.store;

/**
 * What one migration did.
 *
 * @param owner the capability whose schema was migrated
 * @param applied how many scripts were applied now (0 when the schema was current)
 * @param version the schema version after migrating, {@code null} when the owner has no scripts
 */
public record MigrationReport(String owner, int applied, String version) {
}
