package dev.conflux.analytics.internal.shell;

import java.time.Duration;
import java.util.Locale;

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
@Command(scope = "analytics", name = "correlate", description = "Ranks the other series by correlation with a metric (likely causes of a spike)")
public class CorrelateCommand implements Action {

    @Reference
    AnalyticsQueries queries;

    @Argument(index = 0, name = "metric", required = true, description = "The metric, e.g. conflux.run.duration.mean")
    @Completion(MetricNameCompleter.class)
    String name;

    @Option(name = "-l", aliases = "--labels", description = "The series' labels: key=value,key=value")
    String labels;

    @Option(name = "-w", aliases = "--window", description = "How far back: 15m, 1h (default), 1d")
    String window = "1h";

    @Option(name = "-n", aliases = "--lines", description = "How many (default 10)")
    int lines = 10;

    @Override
    public Object execute() {
        AnalyticsQueries.CorrelationAnswer answer = queries.correlations(name,
                Params.duration("--window", window, Duration.ofHours(1), Duration.ofDays(7)), Params.labels("--labels", labels), 10,
                Math.max(1, Math.min(lines, 200)));
        ShellTable table = new ShellTable();
        table.column("Series").maxSize(80);
        table.column("r").alignRight();
        table.column("Leads by").alignRight();
        for (AnalyticsQueries.Correlated c : answer.correlations()) {
            table.addRow().addContent(c.series(), String.format(Locale.ROOT, "%+.2f", c.r()), c.leadSeconds() + " s");
        }
        table.print(System.out);
        return null;
    }
}
