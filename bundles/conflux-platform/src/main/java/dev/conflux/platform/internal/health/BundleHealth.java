package dev.conflux.platform.internal.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthContributor;

/** The Conflux bundles themselves: every one that is not a fragment should be ACTIVE. */
@Component
public class BundleHealth implements HealthContributor {

    private final BundleContext context;

    @Activate
    public BundleHealth(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "bundles";
    }

    @Override
    public Health check() {
        List<String> inactive = new ArrayList<>();
        int count = 0;
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name == null || !name.startsWith("conflux-") || bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            count++;
            if (bundle.getState() != Bundle.ACTIVE) {
                inactive.add(name + " (" + BundleStates.name(bundle.getState()) + ")");
            }
        }
        Map<String, Object> details = Map.of("conflux", count, "inactive", inactive);
        return inactive.isEmpty()
                ? Health.up(count + " Conflux bundles active").withDetails(details)
                : Health.degraded("not active: " + String.join(", ", inactive)).withDetails(details);
    }
}
