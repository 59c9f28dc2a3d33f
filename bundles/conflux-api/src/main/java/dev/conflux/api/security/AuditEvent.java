package dev.conflux.api.security;

import java.util.Objects;

/**
 * One entry of the audit trail.
 *
 * @param principal who acted: a user name, {@code apikey:<id>}, {@code system} or {@code anonymous}
 * @param clientAddress where the request came from, or {@code null} when there was none (a timer, a file)
 * @param action what was done, as {@code <area>.<verb>}: {@code auth.login}, {@code workflow.deploy}
 * @param target what it was done to: a user name, a workflow id, a request path; may be {@code null}
 * @param outcome {@link #SUCCESS}, {@link #FAILURE} or {@link #DENIED}
 * @param detail a short explanation, e.g. why it failed; never a secret; may be {@code null}
 */
public record AuditEvent(String principal, String clientAddress, String action, String target, String outcome,
        String detail) {

    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";
    public static final String DENIED = "denied";

    public AuditEvent {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
    }
}
