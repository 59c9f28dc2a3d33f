/**
 * The database contracts: each capability owns its tables and migrates them through
 * {@link dev.conflux.api.store.SchemaMigrator} when it activates.
 */
@Version("1.0.0")
package dev.conflux.api.store;

import org.osgi.annotation.versioning.Version;
