package dev.conflux.platform.internal.capability;

import java.util.List;

/**
 * One Conflux capability: a {@code conflux-*} feature, whether it is installed, and the state of
 * each of its own bundles.
 */
public record Capability(String name, String version, String description, boolean installed, List<BundleInfo> bundles) {

    /** One bundle of a capability; {@code state} is Karaf's name for it, {@code Not installed} when absent. */
    public record BundleInfo(String symbolicName, String version, String state) {
    }
}
