package dev.conflux.security.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

import dev.conflux.security.internal.User;

@Service
@Command(scope = "security", name = "user-add", description = "Adds a user; asks for the password unless --password is given")
public class UserAddCommand extends SecurityCommand {

    @Argument(index = 0, name = "username", required = true, description = "The new user's name")
    String username;

    @Option(name = "-r", aliases = "--role", multiValued = true, description = "A role: admin, operator or viewer (repeatable)")
    @Completion(RoleCompleter.class)
    List<String> roles;

    @Option(name = "-p", aliases = "--password", description = "The password (visible in the shell history; omit to be asked)")
    String password;

    @Option(name = "-n", aliases = "--name", description = "Display name")
    String displayName;

    @Option(name = "-e", aliases = "--email", description = "Email address")
    String email;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        String secret = Passwords.ask(session, password, username);
        User user = security.createUser(actor(), null, username, secret, displayName, email,
                roles == null ? List.of("viewer") : roles);
        System.out.println("Added " + user.username() + " with roles " + user.roles());
        return null;
    }
}
