package dev.conflux.analytics.internal.shell;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.analytics.internal.Performance;
import dev.conflux.analytics.internal.query.AnalyticsQueries;

@Service
@Command(scope = "analytics", name = "top", description = "Shows the slowest steps and the busiest workflows")
public class TopCommand implements Action {

    @Reference
    AnalyticsQueries queries;

    @Option(name = "-n", aliases = "--lines", description = "How many of each (default 10)")
    int lines = 10;

    @Override
    public Object execute() {
        int n = Math.max(1, Math.min(lines, 100));
        AnalyticsQueries.PerformanceAnswer performance = queries.performance(Duration.ofMinutes(5), null, n);
        List<Performance.WorkflowFigures> workflows = performance.workflows();
        System.out.println("Busiest workflows (runs ended per minute over the last 5 minutes)");
        ShellTable busy = new ShellTable();
        busy.column("Workflow");
        busy.column("Runs/min").alignRight();
        busy.column("Active").alignRight();
        busy.column("Started").alignRight();
        busy.column("Failed").alignRight();
        busy.column("Error rate").alignRight();
        busy.column("p50 ms").alignRight();
        busy.column("p95 ms").alignRight();
        workflows.stream().sorted(Comparator.comparingDouble(Performance.WorkflowFigures::throughputPerMinute).reversed()
                .thenComparing(Performance.WorkflowFigures::started, Comparator.reverseOrder()))
                .limit(Math.max(1, lines))
                .forEach(w -> busy.addRow().addContent(w.workflow(), fmt(w.throughputPerMinute()), w.active(), w.started(),
                        w.failed(), percent(w.errorRate()), ms(w.duration().p50()), ms(w.duration().p95())));
        busy.print(System.out);
        System.out.println();
        System.out.println("Slowest steps (share of their workflow's run time)");
        ShellTable slow = new ShellTable();
        slow.column("Workflow");
        slow.column("Step");
        slow.column("Type");
        slow.column("Share").alignRight();
        slow.column("Mean ms").alignRight();
        slow.column("p95 ms").alignRight();
        slow.column("Retries").alignRight();
        slow.column("Failed").alignRight();
        performance.bottlenecks().forEach(s -> slow.addRow().addContent(s.workflow(), s.step(), s.type(),
                percent(s.shareOfRunTime()), ms(s.duration().mean()), ms(s.duration().p95()), s.retries(), s.failed()));
        slow.print(System.out);
        return null;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f %%", value * 100);
    }

    private static String ms(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.0f", value);
    }
}
