package dev.conflux.security.internal.shell;

import java.time.Instant;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.conflux.security.internal.ApiKeyStore;

@Service
@Command(scope = "security", name = "apikey-create", description = "Makes an API key; the key is printed this once")
public class ApiKeyCreateCommand extends SecurityCommand {

    @Argument(index = 0, name = "name", required = true, description = "What the key is for, e.g. ci-deployer")
    String name;

    @Option(name = "-r", aliases = "--role", multiValued = true, required = true, description = "A role (repeatable)")
    @Completion(RoleCompleter.class)
    List<String> roles;

    @Option(name = "--expires", description = "When it stops working, ISO-8601, e.g. 2027-01-31T00:00:00Z")
    String expires;

    @Override
    public Object execute() {
        ApiKeyStore.Created created = security.createApiKey(actor(), null, name, roles,
                expires == null ? null : Instant.parse(expires));
        System.out.println("Id:  " + created.key().id());
        System.out.println("Key: " + created.secret());
        System.out.println("Keep the key now: it is not stored and cannot be shown again.");
        return null;
    }
}
