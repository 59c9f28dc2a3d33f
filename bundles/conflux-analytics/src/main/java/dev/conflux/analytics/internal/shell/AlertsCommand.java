package dev.conflux.analytics.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.analytics.internal.SeriesStore;
import dev.conflux.analytics.internal.alert.AlertRule;
import dev.conflux.analytics.internal.alert.Alerts;

@Service
@Command(scope = "analytics", name = "alerts", description = "Shows the alert rules, the active alerts and the latest resolved ones")
public class AlertsCommand implements Action {

    @Reference
    Alerts alerts;

    @Override
    @SuppressWarnings("unchecked")
    public Object execute() {
        var view = alerts.view();
        ShellTable rules = new ShellTable();
        rules.column("Rule");
        rules.column("Metric");
        rules.column("Labels").maxSize(40);
        rules.column("Condition");
        rules.column("For");
        rules.column("Severity");
        for (AlertRule.Definition r : (List<AlertRule.Definition>) view.get("rules")) {
            rules.addRow().addContent(r.name(), r.metric(), SeriesStore.encode(r.labels()),
                    r.condition() + (r.condition().equals("anomaly") ? "" : " " + MetricsCommand.number(r.threshold())),
                    r.holdFor().toString().substring(2).toLowerCase(java.util.Locale.ROOT), r.severity());
        }
        rules.print(System.out);
        System.out.println();
        ShellTable table = new ShellTable();
        table.column("Rule");
        table.column("State");
        table.column("Series").maxSize(50);
        table.column("Value").alignRight();
        table.column("Since");
        table.column("Resolved");
        for (String list : new String[] {"active", "resolved"}) {
            for (Alerts.Alert a : (List<Alerts.Alert>) view.get(list)) {
                table.addRow().addContent(a.rule(), a.state(), SeriesStore.encode(a.seriesLabels()),
                        MetricsCommand.number(a.value()), a.since(), a.resolvedAt() == null ? "" : a.resolvedAt());
            }
        }
        table.print(System.out);
        return null;
    }
}
