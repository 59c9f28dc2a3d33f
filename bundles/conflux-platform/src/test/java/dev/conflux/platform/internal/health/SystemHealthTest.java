package dev.conflux.platform.internal.health;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;

import org.junit.After;
import org.junit.Test;

import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthContributor;
import dev.conflux.api.health.HealthStatus;

public class SystemHealthTest {

    private final SystemHealth health = new SystemHealth(config(300));

    @After
    public void stop() {
        health.deactivate();
    }

    @Test
    public void noComponentsIsUp() {
        assertEquals(HealthStatus.UP, health.check().status());
    }

    @Test
    public void theWorstComponentDecides() {
        health.addContributor(contributor("database", () -> Health.up("fine")));
        health.addContributor(contributor("queue", () -> Health.degraded("80% full")));
        HealthReport report = health.check();
        assertEquals(HealthStatus.DEGRADED, report.status());
        assertEquals(List.of("database", "queue"), List.copyOf(report.components().keySet()));

        health.addContributor(contributor("disk", () -> Health.down("full")));
        assertEquals(HealthStatus.DOWN, health.check().status());
    }

    @Test
    public void aSlowCheckIsDownAndDoesNotHoldUpTheOthers() {
        health.addContributor(contributor("slow", () -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Health.up("late");
        }));
        health.addContributor(contributor("fast", () -> Health.up("fine")));
        long start = System.nanoTime();
        HealthReport report = health.check();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue("took " + millis + " ms", millis < 2_000);
        assertEquals(HealthStatus.DOWN, report.components().get("slow").status());
        assertTrue(report.components().get("slow").message().contains("300 ms"));
        assertEquals(HealthStatus.UP, report.components().get("fast").status());
    }

    @Test
    public void aThrowingOrNullCheckIsDownWithTheReason() {
        health.addContributor(contributor("broken", () -> {
            throw new IllegalStateException("no connection");
        }));
        health.addContributor(contributor("silent", () -> null));
        HealthReport report = health.check();
        assertEquals(HealthStatus.DOWN, report.status());
        assertTrue(report.components().get("broken").message().contains("no connection"));
        assertEquals("the check returned nothing", report.components().get("silent").message());
    }

    @Test
    public void removedContributorsAreForgottenAndDuplicateNamesKept() {
        HealthContributor one = contributor("db", () -> Health.up("a"));
        health.addContributor(one);
        health.addContributor(contributor("db", () -> Health.up("b")));
        assertEquals(2, health.check().components().size());
        health.removeContributor(one);
        assertEquals(1, health.check().components().size());
    }

    private static HealthContributor contributor(String name, java.util.function.Supplier<Health> check) {
        return new HealthContributor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Health check() {
                return check.get();
            }
        };
    }

    static HealthConfig config(int timeout) {
        return new HealthConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HealthConfig.class;
            }

            @Override
            public int checkTimeoutMillis() {
                return timeout;
            }
        };
    }
}
