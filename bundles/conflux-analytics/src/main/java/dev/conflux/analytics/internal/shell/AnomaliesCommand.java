package dev.conflux.analytics.internal.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.analytics.internal.query.AnalyticsQueries;
import dev.conflux.analytics.internal.query.Params;

@Service
@Command(scope = "analytics", name = "anomalies", description = "Lists the latest anomalies found in the metrics")
public class AnomaliesCommand implements Action {

    @Reference
    AnalyticsQueries queries;

    @Option(name = "-m", aliases = "--metric", description = "Only this metric")
    @Completion(MetricNameCompleter.class)
    String metric;

    @Option(name = "-n", aliases = "--lines", description = "How many (default 20)")
    int lines = 20;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("At");
        table.column("Metric");
        table.column("Labels").maxSize(50);
        table.column("Value").alignRight();
        table.column("Expected").alignRight();
        table.column("z").alignRight();
        Params.Range lastDay = Params.range(null, null, Duration.ofDays(1));
        for (SeriesStore.Anomaly a : queries.anomalies(lastDay.from(), lastDay.to(), metric, Math.max(1, Math.min(lines, 1000)))) {
            table.addRow().addContent(Instant.ofEpochMilli(a.at()), a.name(), SeriesStore.encode(a.labels()),
                    MetricsCommand.number(a.value()), MetricsCommand.number(a.expected()),
                    String.format(Locale.ROOT, "%+.1f", a.zScore()));
        }
        table.print(System.out);
        return null;
    }
}
