package dev.conflux.security.internal.shell;

import java.time.Instant;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.conflux.security.internal.SecurityService;

/** Completes the ids of API keys that still work. */
@Service
public class ApiKeyIdCompleter implements Completer {

    @Reference
    SecurityService security;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        Instant now = Instant.now();
        security.apiKeys().stream().filter(k -> k.usable(now)).forEach(k -> ids.getStrings().add(k.id()));
        return ids.complete(session, commandLine, candidates);
    }
}
