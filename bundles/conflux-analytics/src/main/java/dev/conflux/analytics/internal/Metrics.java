package dev.conflux.analytics.internal;

import java.io.File;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The one meter registry of the container: Micrometer with its Prometheus registry. Every meter is
 * named {@code conflux.*} (so {@code conflux_*} in Prometheus); JVM and system meters (heap, GC,
 * threads, classes, CPU, load, file descriptors, disk space of {@code data/}) are bound at start. The
 * registry is also published as a {@link MeterRegistry} service, so any bundle can add its own meters.
 */
@Component(service = Metrics.class, immediate = true)
public class Metrics {

    static final String PREFIX = "conflux.";

    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private ServiceRegistration<MeterRegistry> service;

    public Metrics() {
        this.registry = create();
    }

    /**
     * The counter of entries a bounded structure of analytics dropped to stay within its bound:
     * {@code conflux_analytics_evictions_total{of="workflow"}} and so on.
     */
    public static Counter evictions(MeterRegistry registry, String of) {
        return Counter.builder("conflux.analytics.evictions").tag("of", of)
                .description("Entries dropped, least recently used first, to keep a tracked structure within its bound")
                .register(registry);
    }

    /** A registry with Conflux's naming, for tests and for the benchmark. */
    static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith(PREFIX) ? id : id.withName(PREFIX + id.getName());
            }
        });
        return registry;
    }

    @Activate
    void activate(BundleContext context) {
        binders.addAll(bindJvmAndSystem(registry, new File(System.getProperty("karaf.data", "."))));
        service = context.registerService(MeterRegistry.class, registry, new Hashtable<>());
    }

    /** Binds the JVM and system meters; @return what must be closed when the registry goes */
    static List<AutoCloseable> bindJvmAndSystem(MeterRegistry registry, File data) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new DiskSpaceMetrics(data).bindTo(registry);
        return List.of(gc);
    }

    @Deactivate
    void deactivate() {
        if (service != null) {
            service.unregister();
        }
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // nothing left to release
            }
        }
        registry.close();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
