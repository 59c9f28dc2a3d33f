package dev.conflux.analytics.internal.shell;

import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.analytics.internal.Metrics;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;

@Service
@Command(scope = "analytics", name = "metrics", description = "Lists metrics with their labels and current values")
public class MetricsCommand implements Action {

    @Reference
    Metrics metrics;

    @Argument(index = 0, name = "prefix", description = "Only metrics whose name starts with this, e.g. conflux.runs")
    @Completion(MetricNameCompleter.class)
    String prefix;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Metric");
        table.column("Labels").maxSize(60);
        table.column("Values").maxSize(60);
        metrics.registry().getMeters().stream()
                .filter(m -> prefix == null || m.getId().getName().startsWith(prefix))
                .sorted(java.util.Comparator.comparing((Meter m) -> m.getId().getName()).thenComparing(m -> m.getId().getTags().toString()))
                .forEach(m -> table.addRow().addContent(m.getId().getName(), labels(m), values(m)));
        table.print(System.out);
        return null;
    }

    private static String labels(Meter meter) {
        return meter.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue()).collect(Collectors.joining(", "));
    }

    static String values(Meter meter) {
        StringBuilder text = new StringBuilder();
        for (Measurement m : meter.measure()) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(m.getStatistic().name().toLowerCase(java.util.Locale.ROOT)).append('=').append(number(m.getValue()));
        }
        return text.toString();
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(java.util.Locale.ROOT, "%.4g", value);
    }

}
