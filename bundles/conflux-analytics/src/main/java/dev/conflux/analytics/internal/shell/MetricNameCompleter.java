package dev.conflux.analytics.internal.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.conflux.analytics.internal.Metrics;

/** Completes metric names. */
@Service
public class MetricNameCompleter implements Completer {

    @Reference
    Metrics metrics;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        metrics.registry().getMeters().stream().map(m -> m.getId().getName()).distinct().forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
