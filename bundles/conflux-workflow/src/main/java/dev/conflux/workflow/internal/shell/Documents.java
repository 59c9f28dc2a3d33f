package dev.conflux.workflow.internal.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.karaf.shell.support.CommandException;

/** Workflow documents the shell reads from files. */
final class Documents {

    private Documents() {
    }

    static String read(Path path) throws IOException, CommandException {
        if (!Files.isReadable(path)) {
            throw new CommandException("Cannot read " + path.toAbsolutePath());
        }
        return Files.readString(path);
    }

    static Path path(String file) {
        return Paths.get(file);
    }
}
