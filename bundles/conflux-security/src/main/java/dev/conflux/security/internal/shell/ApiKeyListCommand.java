package dev.conflux.security.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import dev.conflux.security.internal.ApiKey;

@Service
@Command(scope = "security", name = "apikey-list", description = "Lists API keys (never their secrets)")
public class ApiKeyListCommand extends SecurityCommand {

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Name");
        table.column("Roles");
        table.column("Created by");
        table.column("Created");
        table.column("Expires");
        table.column("Last used");
        table.column("Revoked");
        for (ApiKey k : security.apiKeys()) {
            table.addRow().addContent(k.id(), k.name(), String.join(",", new java.util.TreeSet<>(k.roles())), k.createdBy(),
                    k.createdAt(), k.expiresAt(), k.lastUsedAt(), k.revokedAt());
        }
        table.print(System.out);
        return null;
    }
}
