/**
 * The database contracts: each capability owns its tables and migrates them through
 * {@link dev.conflux.api.store.SchemaMigrator} when it activates, and reads and writes them through
 * {@link dev.conflux.api.store.Jdbc}.
 */
@Version("1.1.0")
package dev.conflux.api.store;

import org.osgi.annotation.versioning.Version;
