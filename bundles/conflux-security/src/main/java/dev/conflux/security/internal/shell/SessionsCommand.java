package dev.conflux.security.internal.shell;

import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.security.internal.TokenService;

@Service
@Command(scope = "security", name = "sessions", description = "Lists live token sessions and lockouts; --end ends a session")
public class SessionsCommand extends SecurityCommand {

    @Option(name = "--end", description = "The id of a session to end (revokes its tokens)")
    String end;

    @Override
    public Object execute() {
        if (end != null) {
            System.out.println(security.endSession(actor(), null, end) ? "Ended " + end : "No live session " + end);
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Session");
        table.column("User");
        table.column("Client");
        table.column("Since");
        table.column("Until");
        for (TokenService.Session s : security.sessions()) {
            table.addRow().addContent(s.id(), s.username(), s.client(), s.createdAt(), s.expiresAt());
        }
        table.print(System.out);
        Map<String, java.time.Instant> locked = security.lockouts();
        if (!locked.isEmpty()) {
            System.out.println();
            System.out.println("Locked after failed logins (security:unlock to lift):");
            locked.forEach((who, until) -> System.out.println("  " + who + " until " + until));
        }
        return null;
    }
}
