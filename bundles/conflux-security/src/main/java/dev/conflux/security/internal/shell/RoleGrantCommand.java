package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.security.internal.User;

@Service
@Command(scope = "security", name = "role-grant", description = "Gives a user a role; their sessions end")
public class RoleGrantCommand extends SecurityCommand {

    @Argument(index = 0, name = "username", required = true, description = "The user")
    @Completion(UserNameCompleter.class)
    String username;

    @Argument(index = 1, name = "role", required = true, description = "admin, operator or viewer")
    @Completion(RoleCompleter.class)
    String role;

    @Override
    public Object execute() {
        User user = security.grant(actor(), null, username, role);
        System.out.println(user.username() + " now holds " + new java.util.TreeSet<>(user.roles()));
        return null;
    }
}
