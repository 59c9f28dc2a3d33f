package dev.conflux.analytics.internal.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.analytics.internal.query.AnalyticsQueries;
import dev.conflux.analytics.internal.query.Params;

@Service
@Command(scope = "analytics", name = "show", description = "Draws a metric's stored series over the last hour (or --since)")
public class ShowCommand implements Action {

    private static final String BARS = "▁▂▃▄▅▆▇█";

    @Reference
    AnalyticsQueries queries;

    @Argument(index = 0, name = "metric", required = true, description = "The metric, e.g. conflux.runs.started")
    @Completion(MetricNameCompleter.class)
    String name;

    @Option(name = "-l", aliases = "--labels", description = "Only series with these labels: key=value,key=value")
    String labels;

    @Option(name = "-s", aliases = "--since", description = "How far back: 15m, 1h (default), 6h, 2d")
    String since = "1h";

    @Override
    public Object execute() {
        Duration back = Params.duration("--since", since, Duration.ofHours(1), Duration.ofDays(90));
        Instant to = Instant.now();
        AnalyticsQueries.SeriesAnswer answer = queries.series(name, to.minus(back), to, null, Params.labels("--labels", labels));
        System.out.println(name + " over the last " + since + ", a column per " + answer.step());
        for (SeriesStore.Series series : answer.series()) {
            System.out.println();
            System.out.println("  " + (series.labels().isEmpty() ? "(no labels)" : SeriesStore.encode(series.labels())));
            System.out.println("  " + spark(series.points()));
            if (!series.points().isEmpty()) {
                double min = series.points().stream().mapToDouble(SeriesStore.Point::value).min().orElse(0);
                double max = series.points().stream().mapToDouble(SeriesStore.Point::value).max().orElse(0);
                double last = series.points().get(series.points().size() - 1).value();
                System.out.println("  min " + MetricsCommand.number(min) + "  max " + MetricsCommand.number(max)
                        + "  last " + MetricsCommand.number(last));
            }
        }
        return null;
    }

    static String spark(List<SeriesStore.Point> points) {
        if (points.isEmpty()) {
            return "(no points)";
        }
        double min = points.stream().mapToDouble(SeriesStore.Point::value).min().orElse(0);
        double max = points.stream().mapToDouble(SeriesStore.Point::value).max().orElse(0);
        StringBuilder line = new StringBuilder();
        for (SeriesStore.Point p : points.subList(Math.max(0, points.size() - 120), points.size())) {
            int level = max == min ? 0 : (int) Math.round((p.value() - min) / (max - min) * (BARS.length() - 1));
            line.append(BARS.charAt(level));
        }
        return line.toString();
    }
}
