package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.security.internal.User;

@Service
@Command(scope = "security", name = "role-revoke", description = "Takes a role from a user; their sessions end")
public class RoleRevokeCommand extends RoleCommand {

    @Override
    protected User change(String actor, String user, String roleName) {
        return security.revoke(actor, null, user, roleName);
    }
}
