package dev.conflux.workflow.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
 * Every {@link StepType} in the service registry, by its {@value StepType#TYPE_PROPERTY} service
 * property, as bundles come and go. A service whose property is missing or differs from its
 * {@code name()} is refused, and that is logged once per service. When two services claim one
 * name, the one with the highest service ranking (then the oldest) wins.
 */
@Component(service = StepTypeRegistry.class)
public class StepTypeRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(StepTypeRegistry.class);

    /** Providers per name, best first (ServiceReference orders by ranking, then age). */
    private final Map<String, ConcurrentSkipListMap<ServiceReference<StepType>, StepType>> byName = new ConcurrentHashMap<>();

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStepType(StepType stepType, ServiceReference<StepType> reference) {
        String name = registeredName(stepType, reference);
        if (name == null) {
            return;
        }
        byName.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>(Comparator.reverseOrder())).put(reference, stepType);
        LOG.info("Step type '{}' is available (from {})", name, bundleOf(reference));
        listeners.forEach(listener -> listener.accept(name));
    }

    /**
     * The name a step type service is found by: its {@value StepType#TYPE_PROPERTY} property, which
     * must equal its {@code name()}; null (and a logged error) when it does not.
     */
    static String registeredName(StepType stepType, ServiceReference<StepType> reference) {
        Object property = reference.getProperty(StepType.TYPE_PROPERTY);
        String name;
        try {
            name = stepType.name();
        } catch (RuntimeException e) {
            LOG.error("Step type service {} from {} is refused: its name() threw {}", reference.getProperty("service.id"),
                    bundleOf(reference), e.toString());
            return null;
        }
        if (!(property instanceof String registered) || registered.isBlank()) {
            LOG.error("Step type '{}' from {} is refused: its service has no {} property (register it with {}={})", name,
                    bundleOf(reference), StepType.TYPE_PROPERTY, StepType.TYPE_PROPERTY, name);
            return null;
        }
        if (!registered.equals(name)) {
            LOG.error("Step type from {} is refused: its service property {}={} differs from its name() '{}'; make them equal",
                    bundleOf(reference), StepType.TYPE_PROPERTY, registered, name);
            return null;
        }
        return registered;
    }

    private static String bundleOf(ServiceReference<?> reference) {
        return reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName();
    }

    /** Tells {@code listener} the name of every step type that becomes available from now on. */
    public void onAdded(Consumer<String> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<String> listener) {
        listeners.remove(listener);
    }

    void removeStepType(StepType stepType, ServiceReference<StepType> reference) {
        // by the property it was added under: a refused service was never added
        if (!(reference.getProperty(StepType.TYPE_PROPERTY) instanceof String name)) {
            return;
        }
        var providers = byName.get(name);
        if (providers != null && providers.remove(reference) != null && providers.isEmpty()) {
            LOG.info("Step type '{}' is no longer available", name);
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
        Map<String, Provided> result = new TreeMap<>();
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
