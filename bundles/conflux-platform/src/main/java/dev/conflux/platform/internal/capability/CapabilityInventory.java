package dev.conflux.platform.internal.capability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.conflux.platform.internal.health.BundleStates;

/**
 * What Conflux consists of on this instance: the platform version and every {@code conflux-*}
 * feature known to Karaf, installed or not, with its own bundles and their states.
 */
@Component(service = CapabilityInventory.class)
public class CapabilityInventory {

    static final String PREFIX = "conflux-";

    private final FeaturesService features;
    private final BundleContext context;

    @Activate
    public CapabilityInventory(@Reference FeaturesService features, BundleContext context) {
        this.features = features;
        this.context = context;
    }

    /** The version of the running platform. */
    public String version() {
        return context.getBundle().getVersion().toString();
    }

    public List<Capability> capabilities() {
        List<Capability> result = new ArrayList<>();
        Feature[] all;
        try {
            all = features.listFeatures();
        } catch (Exception e) {
            throw new IllegalStateException("Karaf could not list its features: " + e.getMessage(), e);
        }
        for (Feature feature : all) {
            if (!feature.getName().startsWith(PREFIX) || feature.isHidden()) {
                continue;
            }
            List<Capability.BundleInfo> bundles = new ArrayList<>();
            for (BundleInfo info : feature.getBundles()) {
                if (info.isDependency()) {
                    continue; // a library the resolver may share, not part of the capability
                }
                Bundle bundle = context.getBundle(info.getLocation());
                if (bundle != null) {
                    bundles.add(new Capability.BundleInfo(bundle.getSymbolicName(), bundle.getVersion().toString(),
                            BundleStates.name(bundle.getState())));
                } else {
                    bundles.add(new Capability.BundleInfo(info.getLocation(), "", "Not installed"));
                }
            }
            result.add(new Capability(feature.getName(), feature.getVersion(),
                    feature.getDescription() == null ? "" : feature.getDescription(), features.isInstalled(feature),
                    bundles));
        }
        result.sort(Comparator.comparing(Capability::name));
        return result;
    }
}
