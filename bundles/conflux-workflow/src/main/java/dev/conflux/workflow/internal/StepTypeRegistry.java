package dev.conflux.workflow.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.step.StepType;

/**
 * Every {@link StepType} in the service registry, by name, as bundles come and go. When two
 * services claim one name, the one with the highest service ranking (then the oldest) wins.
 */
@Component(service = StepTypeRegistry.class)
public class StepTypeRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(StepTypeRegistry.class);

    /** Providers per name, best first (ServiceReference orders by ranking, then age). */
    private final Map<String, ConcurrentSkipListMap<ServiceReference<StepType>, StepType>> byName = new ConcurrentHashMap<>();

    private final java.util.List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStepType(StepType stepType, ServiceReference<StepType> reference) {
        String name = stepType.name();
        byName.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>(java.util.Comparator.reverseOrder()))
                .put(reference, stepType);
        LOG.info("Step type '{}' is available (from {})", name, reference.getBundle().getSymbolicName());
        listeners.forEach(listener -> listener.accept(name));
    }

    /** Tells {@code listener} the name of every step type that becomes available from now on. */
    public void onAdded(java.util.function.Consumer<String> listener) {
        listeners.add(listener);
    }

    public void removeListener(java.util.function.Consumer<String> listener) {
        listeners.remove(listener);
    }

    void removeStepType(StepType stepType, ServiceReference<StepType> reference) {
        var providers = byName.get(stepType.name());
        if (providers != null) {
            providers.remove(reference);
            if (providers.isEmpty()) {
                LOG.info("Step type '{}' is no longer available", stepType.name());
            }
        }
    }

    public boolean isAvailable(String name) {
        return find(name).isPresent();
    }

    public Optional<StepType> find(String name) {
        var providers = byName.get(name);
        if (providers == null) {
            return Optional.empty();
        }
        var best = providers.firstEntry();
        return best == null ? Optional.empty() : Optional.of(best.getValue());
    }

    /** Every available step type with the bundle that provides it. */
    public Map<String, Provided> available() {
        Map<String, Provided> result = new java.util.TreeMap<>();
        byName.forEach((name, providers) -> {
            var best = providers.firstEntry();
            if (best != null) {
                result.put(name, new Provided(best.getValue(), best.getKey().getBundle() == null ? "?"
                        : best.getKey().getBundle().getSymbolicName()));
            }
        });
        return result;
    }

    /** A step type and the bundle it comes from. */
    public record Provided(StepType stepType, String bundle) {
    }
}
