package dev.conflux.security.internal.shell;

import java.io.IOException;

import org.apache.karaf.shell.api.console.Session;

/** Asks for a password twice, without echo, when it was not given as an option. */
final class Passwords {

    private Passwords() {
    }

    static String ask(Session session, String given, String who) throws IOException {
        if (given != null) {
            return given;
        }
        String first = session.readLine("Password for " + who + ": ", '*');
        String second = session.readLine("Again: ", '*');
        if (first == null || !first.equals(second)) {
            throw new IllegalArgumentException("The passwords differ; nothing was changed");
        }
        return first;
    }
}
