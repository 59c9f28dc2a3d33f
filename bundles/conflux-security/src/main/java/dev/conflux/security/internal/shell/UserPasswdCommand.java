package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

@Service
@Command(scope = "security", name = "user-passwd", description = "Sets a user's password and ends their sessions")
public class UserPasswdCommand extends SecurityCommand {

    @Argument(index = 0, name = "username", required = true, description = "The user")
    @Completion(UserNameCompleter.class)
    String username;

    @Option(name = "-p", aliases = "--password", description = "The new password (omit to be asked)")
    String password;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        security.setPassword(actor(), null, username, Passwords.ask(session, password, username));
        System.out.println("Changed the password of " + username + "; their sessions ended");
        return null;
    }
}
