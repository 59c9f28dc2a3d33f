package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "security", name = "apikey-revoke", description = "Revokes an API key: it stops working at once")
public class ApiKeyRevokeCommand extends SecurityCommand {

    @Argument(index = 0, name = "id", required = true, description = "The key's id (see security:apikey-list)")
    @Completion(ApiKeyIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        security.revokeApiKey(actor(), null, id);
        System.out.println("Revoked " + id);
        return null;
    }
}
