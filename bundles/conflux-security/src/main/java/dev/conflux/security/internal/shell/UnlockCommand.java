package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "security", name = "unlock", description = "Lifts the lockout of an account or a client address")
public class UnlockCommand extends SecurityCommand {

    @Argument(index = 0, name = "who", required = true, description = "A user name or a client address")
    @Completion(UserNameCompleter.class)
    String who;

    @Override
    public Object execute() {
        System.out.println(security.unlock(actor(), null, who) ? "Unlocked " + who : who + " was not locked");
        return null;
    }
}
