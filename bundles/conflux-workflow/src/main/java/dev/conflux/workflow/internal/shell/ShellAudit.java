package dev.conflux.workflow.internal.shell;

import java.security.AccessController;
import java.security.Principal;
import java.util.concurrent.Callable;

import javax.security.auth.Subject;

import org.apache.karaf.shell.support.CommandException;

import dev.conflux.api.security.AuditEvent;
import dev.conflux.api.security.AuditTrail;

/**
 * Writes what a workflow command changed to the audit trail, with the shell user as principal.
 * Calls through REST are audited by the security capability; the shell is this bundle's to report.
 */
final class ShellAudit {

    private ShellAudit() {
    }

    /** Runs the change and records its outcome; without an audit trail (security not installed) it just runs it. */
    static <T> T record(AuditTrail audit, String action, String target, Callable<T> change) throws Exception {
        try {
            T result = change.call();
            if (audit != null) {
                audit.record(new AuditEvent(user(), null, action, target, AuditEvent.SUCCESS, "shell"));
            }
            return result;
        } catch (Exception e) {
            if (audit != null) {
                audit.record(new AuditEvent(user(), null, action, target, AuditEvent.FAILURE, "shell: " + e.getMessage()));
            }
            throw userError(e);
        }
    }

    /**
     * What the user did wrong (an unknown id, a run in the wrong state, bad input) as a command
     * error: the shell prints its message, and does not log it with a stack trace as a fault.
     */
    private static Exception userError(Exception e) {
        if (e instanceof dev.conflux.api.problem.ProblemException || e instanceof IllegalArgumentException) {
            return new CommandException(e.getMessage(), e);
        }
        return e;
    }

    /** The shell session's JAAS user (Karaf's UserPrincipal), or {@code shell} on a console without one. */
    @SuppressWarnings("removal")
    private static String user() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (Principal principal : subject.getPrincipals()) {
                if (principal.getClass().getSimpleName().equals("UserPrincipal")) {
                    return principal.getName();
                }
            }
        }
        return "shell";
    }
}
