package dev.conflux.api.security;

import java.util.List;

/**
 * The roles of Conflux. {@code admin} may do everything, {@code operator} may deploy, run, pause
 * and cancel and read everything, {@code viewer} may only read. A user may hold several.
 */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";
    public static final String VIEWER = "viewer";

    /** Every role, strongest first. */
    public static final List<String> ALL = List.of(ADMIN, OPERATOR, VIEWER);

    private Roles() {
    }

    public static boolean isRole(String name) {
        return ALL.contains(name);
    }
}
