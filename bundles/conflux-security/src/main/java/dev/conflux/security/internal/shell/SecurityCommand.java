package dev.conflux.security.internal.shell;

import java.security.AccessController;
import java.security.Principal;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

import dev.conflux.security.internal.SecurityService;

/** What every {@code security:*} command shares: the service, and who is typing, for the audit trail. */
abstract class SecurityCommand implements Action {

    @Reference
    SecurityService security;

    /** The shell user (from the session's JAAS subject), or {@code shell} on the local console without one. */
    @SuppressWarnings("removal")
    static String actor() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (Principal p : subject.getPrincipals(UserPrincipal.class)) {
                return p.getName();
            }
        }
        return "shell";
    }
}
