package dev.conflux.platform.internal.shell;

import java.util.Map;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.api.health.Health;
import dev.conflux.platform.internal.health.HealthReport;
import dev.conflux.platform.internal.health.SystemHealth;

@Service
@Command(scope = "conflux", name = "health", description = "Checks the health of the platform and each of its components")
public class HealthCommand implements Action {

    @Reference
    SystemHealth health;

    @Option(name = "-d", aliases = "--details", description = "Also shows the facts behind each status")
    boolean details;

    @Override
    public Object execute() {
        HealthReport report = health.check();
        System.out.println("Conflux is " + report.status() + " (checked in " + report.durationMillis() + " ms)");
        System.out.println();
        ShellTable table = new ShellTable();
        table.column("Component");
        table.column("Status");
        table.column("Message");
        if (details) {
            table.column("Details");
        }
        for (Map.Entry<String, Health> entry : report.components().entrySet()) {
            Health h = entry.getValue();
            if (details) {
                table.addRow().addContent(entry.getKey(), h.status(), h.message(), h.details());
            } else {
                table.addRow().addContent(entry.getKey(), h.status(), h.message());
            }
        }
        table.print(System.out);
        return null;
    }
}
