package dev.conflux.security.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.conflux.security.internal.SecurityService;
import dev.conflux.security.internal.User;

/** Completes user names. */
@Service
public class UserNameCompleter implements Completer {

    @Reference
    SecurityService security;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        security.users().stream().map(User::username).forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
