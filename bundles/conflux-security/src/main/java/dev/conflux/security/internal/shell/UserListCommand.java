package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.security.internal.User;

@Service
@Command(scope = "security", name = "user-list", description = "Lists the users and their roles")
public class UserListCommand extends SecurityCommand {

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("User");
        table.column("Roles");
        table.column("Name");
        table.column("Email");
        table.column("Updated");
        for (User u : security.users()) {
            table.addRow().addContent(u.username(), String.join(",", new java.util.TreeSet<>(u.roles())),
                    u.displayName(), u.email(), u.updatedAt());
        }
        table.print(System.out);
        return null;
    }
}
