package dev.conflux.security.internal.shell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.security.internal.AuditEntry;
import dev.conflux.security.internal.AuditLog;

@Service
@Command(scope = "security", name = "audit-tail", description = "Shows the newest audit entries, oldest of them first")
public class AuditTailCommand extends SecurityCommand {

    @Option(name = "-n", aliases = "--lines", description = "How many entries (default 20)")
    int lines = 20;

    @Option(name = "-u", aliases = "--principal", description = "Only this principal's entries")
    String principal;

    @Option(name = "-a", aliases = "--action", description = "Only actions starting with this, e.g. auth.")
    String action;

    @Override
    public Object execute() {
        List<AuditEntry> entries = new ArrayList<>(security.auditLog().query(
                new AuditLog.Query(principal, action, null, null, 0, Math.max(1, Math.min(lines, 1000)))));
        Collections.reverse(entries);
        ShellTable table = new ShellTable();
        table.column("Seq").alignRight();
        table.column("Time");
        table.column("Principal");
        table.column("Address");
        table.column("Action");
        table.column("Target").maxSize(40);
        table.column("Outcome");
        table.column("Detail").maxSize(50);
        for (AuditEntry e : entries) {
            table.addRow().addContent(e.seq(), e.at(), e.principal(), e.clientAddress(), e.action(), e.target(),
                    e.outcome(), e.detail());
        }
        table.print(System.out);
        return null;
    }
}
