package dev.conflux.store.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthContributor;
import dev.conflux.api.health.HealthStatus;

/** Reports the database UP when a pooled connection answers within the configured time. */
@Component(configurationPid = StoreConfig.PID)
public class DatabaseHealth implements HealthContributor {

    private final DataSource dataSource;
    private volatile int timeoutSeconds;

    @Activate
    public DatabaseHealth(@Reference(name = "dataSource", target = StoreConfig.DEFAULT_DATA_SOURCE) DataSource dataSource, StoreConfig config) {
        this.dataSource = dataSource;
        modified(config);
    }

    @Modified
    void modified(StoreConfig config) {
        this.timeoutSeconds = Math.max(1, config.healthTimeoutSeconds());
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public Health check() {
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid(timeoutSeconds);
            long micros = (System.nanoTime() - start) / 1_000;
            DatabaseMetaData meta = connection.getMetaData();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("product", meta.getDatabaseProductName());
            details.put("version", meta.getDatabaseProductVersion());
            details.put("url", withoutCredentials(meta.getURL()));
            details.put("latencyMicros", micros);
            return valid
                    ? new Health(HealthStatus.UP, "connection valid", details)
                    : new Health(HealthStatus.DOWN, "the database did not confirm a connection within "
                            + timeoutSeconds + " s", details);
        } catch (SQLException e) {
            return Health.down("cannot get a database connection: " + e.getMessage());
        }
    }

    /** JDBC URLs may carry a password (PostgreSQL's {@code ?password=}); health output never shows it. */
    static String withoutCredentials(String url) {
        return url == null ? null : url.replaceAll("(?i)(password|pwd|user)=[^;&]*", "$1=***");
    }
}
