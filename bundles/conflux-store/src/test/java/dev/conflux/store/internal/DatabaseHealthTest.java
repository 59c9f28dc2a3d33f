package dev.conflux.store.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.lang.annotation.Annotation;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthStatus;

public class DatabaseHealthTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void upWithProductDetailsWhenTheDatabaseAnswers() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:" + new File(folder.getRoot(), "db").getAbsolutePath());
        Health health = new DatabaseHealth(ds, config(2)).check();
        assertEquals(HealthStatus.UP, health.status());
        assertEquals("H2", health.details().get("product"));
    }

    @Test
    public void downWithTheReasonWhenNoConnectionCanBeHad() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:" + new File(folder.getRoot(), "missing").getAbsolutePath() + ";IFEXISTS=TRUE");
        Health health = new DatabaseHealth(ds, config(1)).check();
        assertEquals(HealthStatus.DOWN, health.status());
        assertTrue(health.message(), health.message().startsWith("cannot get a database connection"));
    }

    @Test
    public void credentialsInTheUrlAreMasked() {
        assertEquals("jdbc:postgresql://db/conflux?user=***&password=***",
                DatabaseHealth.withoutCredentials("jdbc:postgresql://db/conflux?user=conflux&password=s3cret"));
    }

    private static StoreConfig config(int timeout) {
        return new StoreConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StoreConfig.class;
            }

            @Override
            public String dataSource_target() {
                return DEFAULT_DATA_SOURCE;
            }

            @Override
            public int healthTimeoutSeconds() {
                return timeout;
            }
        };
    }
}
