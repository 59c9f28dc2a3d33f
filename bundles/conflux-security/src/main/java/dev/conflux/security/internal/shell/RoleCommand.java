package dev.conflux.security.internal.shell;

import java.util.TreeSet;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;

import dev.conflux.security.internal.User;

/** Grants or revokes one role of one user, then prints the roles the user holds. */
abstract class RoleCommand extends SecurityCommand {

    @Argument(index = 0, name = "username", required = true, description = "The user")
    @Completion(UserNameCompleter.class)
    String username;

    @Argument(index = 1, name = "role", required = true, description = "admin, operator or viewer")
    @Completion(RoleCompleter.class)
    String role;

    protected abstract User change(String actor, String user, String roleName);

    @Override
    public Object execute() {
        User user = change(actor(), username, role);
        System.out.println(user.username() + " now holds " + new TreeSet<>(user.roles()));
        return null;
    }
}
