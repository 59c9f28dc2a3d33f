package dev.conflux.analytics.internal.rest;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.annotation.Priority;
import javax.ws.rs.Path;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

import dev.conflux.analytics.internal.LruMap;
import dev.conflux.analytics.internal.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Count, latency and status of every JAX-RS route of every bundle:
 * {@code conflux_http_server_requests_seconds{method, route, status}}, where the route is the
 * resource's path template ({@code /runs/{runId}}), never the raw path, so ids do not multiply the
 * series. Runs before the security filter, so refused calls are measured too.
 */
@Component(service = {ContainerRequestFilter.class, ContainerResponseFilter.class})
@JaxrsExtension
@JaxrsName("conflux.http-metrics")
@JaxrsApplicationSelect("(osgi.jaxrs.name=*)")
@Priority(Priorities.AUTHENTICATION - 100)
public class HttpMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String STARTED = "conflux.http-metrics.started";

    private final Metrics metrics;
    /** Resource methods and method-route-status timers kept at most; the least recently called beyond go. */
    static final int MAX_ROUTES = 1_000;
    static final int MAX_TIMERS = 2_000;

    private final Map<Method, String> routes;
    private final Map<String, Timer> timers;

    @Context
    ResourceInfo resourceInfo;

    @Activate
    public HttpMetricsFilter(@Reference Metrics metrics) {
        this.metrics = metrics;
        Counter evicted = Metrics.evictions(metrics.registry(), "route");
        // a bundle's resources go when it is updated or removed: their methods age out instead of pinning its class loader
        this.routes = Collections.synchronizedMap(new LruMap<>(MAX_ROUTES, (method, route) -> evicted.increment()));
        this.timers = Collections.synchronizedMap(new LruMap<>(MAX_TIMERS, (key, timer) -> {
            evicted.increment();
            metrics.registry().remove(timer);
        }));
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object started = request.getProperty(STARTED);
        if (!(started instanceof Long start)) {
            return;
        }
        Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
        String route = method == null ? "unmatched" : routes.computeIfAbsent(method, m -> route(resourceInfo.getResourceClass(), m));
        String status = Integer.toString(response.getStatus());
        String key = request.getMethod() + ' ' + route + ' ' + status;
        timers.computeIfAbsent(key, k -> timer(metrics.registry(), request.getMethod(), route, status))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    public static Timer timer(MeterRegistry registry, String method, String route, String status) {
        return Timer.builder("conflux.http.server.requests")
                .description("Calls of the REST API by route, method and status")
                .tags("method", method, "route", route, "status", status)
                .publishPercentileHistogram()
                .register(registry);
    }

    static String route(Class<?> resource, Method method) {
        StringBuilder route = new StringBuilder();
        append(route, resource == null ? null : resource.getAnnotation(Path.class));
        append(route, method.getAnnotation(Path.class));
        return route.length() == 0 ? "/" : route.toString();
    }

    private static void append(StringBuilder route, Path path) {
        if (path == null || path.value().isEmpty() || "/".equals(path.value())) {
            return;
        }
        String value = path.value();
        route.append(value.startsWith("/") ? "" : "/").append(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    }
}
