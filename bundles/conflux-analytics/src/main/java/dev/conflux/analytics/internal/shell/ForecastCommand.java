package dev.conflux.analytics.internal.shell;

import java.time.Duration;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.analytics.internal.query.AnalyticsQueries;
import dev.conflux.analytics.internal.query.Params;

@Service
@Command(scope = "analytics", name = "forecast", description = "Forecasts a metric with its 95 % interval, and when it reaches a limit")
public class ForecastCommand implements Action {

    @Reference
    AnalyticsQueries queries;

    @Argument(index = 0, name = "metric", required = true, description = "The metric, e.g. conflux.jvm.memory.used")
    @Completion(MetricNameCompleter.class)
    String name;

    @Option(name = "-l", aliases = "--labels", description = "The series' labels: key=value,key=value")
    String labels;

    @Option(name = "-h", aliases = "--horizon", description = "How far ahead: 30m, 1h (default), 1d")
    String horizon = "1h";

    @Option(name = "--limit", description = "Warn when the forecast reaches this value")
    Double limit;

    @Option(name = "-n", aliases = "--points", description = "Points to print (default 12), spread over the horizon")
    int points = 12;

    @Override
    public Object execute() {
        AnalyticsQueries.ForecastAnswer f = queries.forecast(name,
                Params.duration("--horizon", horizon, Duration.ofHours(1), Duration.ofDays(7)), Duration.ofDays(7),
                Params.labels("--labels", labels), limit);
        System.out.println(name + " " + f.labels() + ": " + f.model().get("method") + " over " + f.historyPoints()
                + " points of " + f.resolutionSeconds() + " s");
        ShellTable table = new ShellTable();
        table.column("At");
        table.column("Forecast").alignRight();
        table.column("Low (95 %)").alignRight();
        table.column("High (95 %)").alignRight();
        List<AnalyticsQueries.ForecastPoint> all = f.points();
        int every = Math.max(1, all.size() / Math.max(1, points));
        for (int i = every - 1; i < all.size(); i += every) {
            AnalyticsQueries.ForecastPoint p = all.get(i);
            table.addRow().addContent(p.at(), MetricsCommand.number(p.value()), MetricsCommand.number(p.lower()),
                    MetricsCommand.number(p.upper()));
        }
        table.print(System.out);
        if (limit != null) {
            System.out.println(f.crossesLimitAt() == null ? "Not forecast to reach " + MetricsCommand.number(limit) + " within " + horizon
                    : "Forecast to reach " + MetricsCommand.number(limit) + " at " + f.crossesLimitAt());
        }
        return null;
    }
}
