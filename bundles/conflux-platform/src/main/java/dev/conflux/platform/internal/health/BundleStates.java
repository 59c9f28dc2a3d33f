package dev.conflux.platform.internal.health;

import org.osgi.framework.Bundle;

/** Karaf's names for bundle states, as {@code bundle:list} shows them. */
public final class BundleStates {

    private BundleStates() {
    }

    public static String name(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "Active";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.INSTALLED -> "Installed";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            case Bundle.UNINSTALLED -> "Uninstalled";
            default -> "Unknown";
        };
    }
}
