package dev.conflux.platform.internal.health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.concurrent.NamedThreads;
import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthContributor;
import dev.conflux.api.health.HealthStatus;

/**
 * Aggregates every {@link HealthContributor} in the registry, those of bundles installed later
 * included. Checks run in parallel, each within the configured time limit; a check that throws or
 * is late reports its component DOWN instead of holding up the answer. A change of the overall
 * status is logged and published on {@code conflux/platform/health/<STATUS>}.
 */
@Component(service = SystemHealth.class, configurationPid = HealthConfig.PID)
@Designate(ocd = HealthConfig.class)
public class SystemHealth {

    private static final Logger LOG = LoggerFactory.getLogger(SystemHealth.class);

    private final List<HealthContributor> contributors = new CopyOnWriteArrayList<>();
    private final AtomicReference<HealthStatus> lastStatus = new AtomicReference<>();
    private final ExecutorService checks;
    private volatile long timeoutMillis;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Activate
    public SystemHealth(HealthConfig config) {
        // Bounded: a hung check holds one thread until it returns; the pool never grows past this.
        this.checks = Executors.newFixedThreadPool(4, NamedThreads.numbered("conflux-health"));
        modified(config);
    }

    @Modified
    void modified(HealthConfig config) {
        this.timeoutMillis = Math.max(50, config.checkTimeoutMillis());
    }

    @Deactivate
    void deactivate() {
        checks.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContributor(HealthContributor contributor) {
        contributors.add(contributor);
    }

    void removeContributor(HealthContributor contributor) {
        contributors.remove(contributor);
    }

    /** Runs every check now. */
    public HealthReport check() {
        long start = System.nanoTime();
        Instant now = Instant.now();
        List<HealthContributor> current = new ArrayList<>(contributors);
        Map<HealthContributor, CompletableFuture<Health>> running = new HashMap<>();
        for (HealthContributor contributor : current) {
            running.put(contributor, CompletableFuture.supplyAsync(() -> safeCheck(contributor), checks));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Map<String, Health> components = new TreeMap<>();
        HealthStatus overall = HealthStatus.UP;
        for (HealthContributor contributor : current) {
            Health health = await(running.get(contributor), deadline);
            String name = uniqueName(components, contributor.name());
            components.put(name, health);
            overall = overall.worst(health.status());
        }
        publishIfChanged(overall);
        return new HealthReport(overall, now, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), components);
    }

    private Health await(CompletableFuture<Health> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Health.down("no answer within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down("interrupted while checking");
        } catch (Exception e) {
            return Health.down("check failed: " + e.getMessage());
        }
    }

    private static Health safeCheck(HealthContributor contributor) {
        try {
            Health health = contributor.check();
            return health == null ? Health.down("the check returned nothing") : health;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Health check of '{}' failed", contributor.name(), e);
            return Health.down("check failed: " + e);
        }
    }

    private static String uniqueName(Map<String, Health> taken, String name) {
        String base = name == null || name.isBlank() ? "unnamed" : name;
        String candidate = base;
        for (int i = 2; taken.containsKey(candidate); i++) {
            candidate = base + "#" + i;
        }
        return candidate;
    }

    private void publishIfChanged(HealthStatus status) {
        HealthStatus previous = lastStatus.getAndSet(status);
        if (previous == status) {
            return;
        }
        if (previous != null) {
            LOG.info("Platform health changed from {} to {}", previous, status);
        }
        EventAdmin events = eventAdmin;
        if (events != null) {
            Map<String, Object> properties = new HashMap<>();
            properties.put(EventProperties.STATUS, status.name());
            if (previous != null) {
                properties.put(EventProperties.PREVIOUS_STATE, previous.name());
            }
            properties.put(EventProperties.TIMESTAMP, System.currentTimeMillis());
            events.postEvent(new Event(ConfluxTopics.HEALTH + status.name(), properties));
        }
    }
}
