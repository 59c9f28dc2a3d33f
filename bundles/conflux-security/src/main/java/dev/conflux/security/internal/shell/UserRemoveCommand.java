package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "security", name = "user-remove", description = "Removes a user and ends their sessions")
public class UserRemoveCommand extends SecurityCommand {

    @Argument(index = 0, name = "username", required = true, description = "The user")
    @Completion(UserNameCompleter.class)
    String username;

    @Override
    public Object execute() {
        security.deleteUser(actor(), null, username);
        System.out.println("Removed " + username);
        return null;
    }
}
