package dev.conflux.platform.internal.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import dev.conflux.api.health.Health;
import dev.conflux.api.health.HealthContributor;

/**
 * The Conflux bundles themselves: every one that is not a fragment should be ACTIVE, and every
 * enabled Declarative Services component in them satisfied. While a capability is still starting
 * (its components waiting for their references), the platform is not yet fully up.
 */
@Component
public class BundleHealth implements HealthContributor {

    private final BundleContext context;
    private final ServiceComponentRuntime components;

    @Activate
    public BundleHealth(BundleContext context, @Reference ServiceComponentRuntime components) {
        this.context = context;
        this.components = components;
    }

    @Override
    public String name() {
        return "bundles";
    }

    @Override
    public Health check() {
        List<String> inactive = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        int count = 0;
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name == null || !name.startsWith("conflux-") || bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            count++;
            if (bundle.getState() != Bundle.ACTIVE) {
                inactive.add(name + " (" + BundleStates.name(bundle.getState()) + ")");
                continue;
            }
            for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(bundle)) {
                if (!components.isComponentEnabled(description)) {
                    continue;
                }
                for (ComponentConfigurationDTO configuration : components.getComponentConfigurationDTOs(description)) {
                    if (configuration.state != ComponentConfigurationDTO.ACTIVE
                            && configuration.state != ComponentConfigurationDTO.SATISFIED) {
                        waiting.add(name + "/" + description.name + " (" + state(configuration.state) + ")");
                    }
                }
            }
        }
        Map<String, Object> details = Map.of("conflux", count, "inactive", inactive, "componentsNotSatisfied", waiting);
        if (!inactive.isEmpty()) {
            return Health.degraded("not active: " + String.join(", ", inactive)).withDetails(details);
        }
        if (!waiting.isEmpty()) {
            return Health.degraded("components not satisfied: " + String.join(", ", waiting)).withDetails(details);
        }
        return Health.up(count + " Conflux bundles active").withDetails(details);
    }

    private static String state(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "missing configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "waiting for a service";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed to activate";
            default -> "state " + state;
        };
    }
}
