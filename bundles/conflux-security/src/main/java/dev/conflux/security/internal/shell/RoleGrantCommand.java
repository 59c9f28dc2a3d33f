package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.security.internal.User;

@Service
@Command(scope = "security", name = "role-grant", description = "Gives a user a role; their sessions end")
public class RoleGrantCommand extends RoleCommand {

    @Override
    protected User change(String actor, String user, String roleName) {
        return security.grant(actor, null, user, roleName);
    }
}
