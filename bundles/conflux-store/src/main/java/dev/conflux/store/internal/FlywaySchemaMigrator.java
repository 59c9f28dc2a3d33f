package dev.conflux.store.internal;

import java.util.List;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.osgi.framework.BundleReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.store.MigrationException;
import dev.conflux.api.store.MigrationReport;
import dev.conflux.api.store.SchemaMigrator;

/**
 * Migrates each capability's schema with Flyway. Every owner gets its own history table
 * ({@code schema_history_<owner>}) in the shared schema, so capabilities install, upgrade and
 * uninstall independently; {@code baselineOnMigrate} lets a second owner start in a schema that
 * already holds the first owner's tables.
 */
@Component(configurationPid = StoreConfig.PID)
@Designate(ocd = StoreConfig.class)
public class FlywaySchemaMigrator implements SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(FlywaySchemaMigrator.class);
    private static final Pattern OWNER = Pattern.compile("[a-z][a-z0-9_]{0,40}");

    private final DataSource dataSource;

    @Activate
    public FlywaySchemaMigrator(@Reference(name = "dataSource", target = StoreConfig.DEFAULT_DATA_SOURCE) DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public MigrationReport migrate(String owner, ClassLoader classLoader) {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("a schema owner is a lower-case name of letters, digits and "
                    + "underscores, starting with a letter; got '" + owner + "'");
        }
        String folder = "db/migration/" + owner;
        FluentConfiguration config = Flyway.configure(classLoader)
                .dataSource(dataSource)
                .locations("classpath:" + folder)
                .table("schema_history_" + owner)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("empty schema of " + owner)
                .validateMigrationNaming(true)
                .failOnMissingLocations(false);
        if (classLoader instanceof BundleReference reference && reference.getBundle() != null) {
            // inside OSGi: the owner's scripts are entries of its bundle; no class path scanning
            config.resourceProvider(new BundleMigrationScripts(reference.getBundle(), folder))
                    .javaMigrationClassProvider(List::of);
        }
        Flyway flyway = config.load();
        try {
            MigrateResult result = flyway.migrate();
            String version = flyway.info().current() == null || flyway.info().current().getVersion() == null
                    ? null : flyway.info().current().getVersion().getVersion();
            if (result.migrationsExecuted > 0) {
                LOG.info("Migrated the '{}' schema to version {} ({} script(s) applied)", owner, version,
                        result.migrationsExecuted);
            } else {
                LOG.debug("The '{}' schema is current at version {}", owner, version);
            }
            return new MigrationReport(owner, result.migrationsExecuted, "0".equals(version) ? null : version);
        } catch (FlywayException e) {
            throw new MigrationException("migrating the '" + owner + "' schema failed: " + e.getMessage(), e);
        }
    }
}
