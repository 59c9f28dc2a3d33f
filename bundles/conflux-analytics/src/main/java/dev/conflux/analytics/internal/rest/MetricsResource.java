package dev.conflux.analytics.internal.rest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.analytics.internal.Metrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;

/** {@code /api/v1/metrics}: every metric with its labels and current values (the plan's "system metrics"). */
@Component(service = MetricsResource.class)
@JaxrsResource
@JaxrsName("conflux.metrics")
@JSONRequired
@Path("metrics")
@io.swagger.v3.oas.annotations.tags.Tag(name = "analytics")
public class MetricsResource {

    /** One metric: its series, each a label set with its current values (count, total, value, max...). */
    public record MetricInfo(String name, String type, String description, String unit, List<Series> series) {
    }

    public record Series(Map<String, String> labels, Map<String, Double> values) {
    }

    private final Metrics metrics;

    @Activate
    public MetricsResource(@Reference Metrics metrics) {
        this.metrics = metrics;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listMetrics", summary = "Every metric, its labels and current values")
    public List<MetricInfo> list(@Parameter(description = "Only names that start with this, e.g. conflux.runs")
            @QueryParam("prefix") String prefix) {
        return describe(metrics, prefix);
    }

    static List<MetricInfo> describe(Metrics metrics, String prefix) {
        Map<String, List<Meter>> byName = new TreeMap<>();
        for (Meter meter : metrics.registry().getMeters()) {
            String name = meter.getId().getName();
            if (prefix == null || prefix.isBlank() || name.startsWith(prefix.trim())) {
                byName.computeIfAbsent(name, k -> new ArrayList<>()).add(meter);
            }
        }
        List<MetricInfo> all = new ArrayList<>();
        byName.forEach((name, meters) -> {
            Meter.Id first = meters.get(0).getId();
            List<Series> series = new ArrayList<>();
            meters.sort(Comparator.comparing(m -> m.getId().getTags().toString()));
            for (Meter meter : meters) {
                Map<String, String> labels = new LinkedHashMap<>();
                for (Tag tag : meter.getId().getTags()) {
                    labels.put(tag.getKey(), tag.getValue());
                }
                Map<String, Double> values = new LinkedHashMap<>();
                for (Measurement m : meter.measure()) {
                    double v = m.getValue();
                    values.put(m.getStatistic().name().toLowerCase(Locale.ROOT), Double.isFinite(v) ? v : null);
                }
                series.add(new Series(labels, values));
            }
            all.add(new MetricInfo(name, first.getType().name().toLowerCase(Locale.ROOT), first.getDescription(),
                    first.getBaseUnit(), series));
        });
        return all;
    }
}
