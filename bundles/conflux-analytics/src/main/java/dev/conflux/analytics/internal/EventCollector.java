package dev.conflux.analytics.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.concurrent.NamedThreads;
import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Turns every {@code conflux/*} event into meters and performance figures. The EventAdmin thread
 * only puts the event on a bounded queue; one thread of ours does the rest. When the queue is full
 * the event is dropped and counted ({@code conflux_analytics_events_dropped_total}): collection never
 * slows the engine down.
 */
@Component(service = {EventHandler.class, EventCollector.class}, immediate = true,
        property = EventConstants.EVENT_TOPIC + "=" + ConfluxTopics.ROOT + "*")
public class EventCollector implements EventHandler {

    static final int QUEUE_CAPACITY = 10_000;
    /** Workflows tracked at most (meters, figures); the least recently seen one beyond is dropped. */
    static final int MAX_WORKFLOWS = 1_000;
    /** Steps tracked at most, over all workflows. */
    static final int MAX_STEPS = 5_000;
    /** Event topics counted at most ({@code conflux.events}). */
    static final int MAX_TOPICS = 200;
    /** Runs whose steps are tracked at most: a run whose end was never seen ages out. */
    static final int MAX_RUNS = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(EventCollector.class);
    private static final Event STOP = new Event("conflux/analytics/stop", Map.of());
    private static final String UNDEPLOYED = ConfluxTopics.WORKFLOW_DEFINITION + "UNDEPLOYED";

    private final MeterRegistry registry;
    private final Performance performance = new Performance();
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Counter dropped;
    // the meters and maps below are touched by the collector's thread only (by the test's in tests)
    private final Map<Key, Meter> meters = new HashMap<>();
    /** Per workflow, the keys of its own meters; per step, those of the step's; per topic, its counter's. */
    private final LruMap<String, List<Key>> workflows;
    private final LruMap<StepKey, List<Key>> steps;
    private final LruMap<String, List<Key>> topics;
    private final Map<String, String> stepStates = new HashMap<>();
    /** The step keys tracked per run, so a run's end forgets steps that ended without an event of their own. */
    private final LruMap<String, Set<String>> stepsOfRun;
    private final Map<String, AtomicInteger> stepsInState = new ConcurrentHashMap<>();
    private final Thread worker;

    @Activate
    public EventCollector(@Reference Metrics metrics) {
        this(metrics.registry());
        worker.start();
    }

    /** Not started: tests feed it through {@link #apply}. */
    EventCollector(MeterRegistry registry) {
        this.registry = registry;
        Counter workflowsEvicted = Metrics.evictions(registry, "workflow");
        Counter stepsEvicted = Metrics.evictions(registry, "step");
        Counter topicsEvicted = Metrics.evictions(registry, "topic");
        Counter runsEvicted = Metrics.evictions(registry, "run");
        this.workflows = new LruMap<>(MAX_WORKFLOWS, (workflow, keys) -> {
            workflowsEvicted.increment();
            drop(workflow, keys);
        });
        this.steps = new LruMap<>(MAX_STEPS, (step, keys) -> {
            stepsEvicted.increment();
            removeMeters(keys);
            performance.forgetStep(step.workflow(), step.step());
        });
        this.topics = new LruMap<>(MAX_TOPICS, (topic, keys) -> {
            topicsEvicted.increment();
            removeMeters(keys);
        });
        this.stepsOfRun = new LruMap<>(MAX_RUNS, (runId, keys) -> {
            runsEvicted.increment();
            forget(keys);
        });
        this.dropped = Counter.builder("conflux.analytics.events.dropped")
                .description("Events not collected because the collector's queue was full").register(registry);
        Gauge.builder("conflux.analytics.queue.depth", queue, BlockingQueue::size)
                .description("Events waiting to be collected").register(registry);
        Gauge.builder("conflux.runs.active", performance, p -> p.activeRuns())
                .description("Runs that have started and not ended").register(registry);
        for (String state : new String[] {"RUNNING", "WAITING", "RETRY_WAIT", "WAITING_FOR_STEP_TYPE"}) {
            AtomicInteger count = new AtomicInteger();
            stepsInState.put(state, count);
            Gauge.builder("conflux.steps.current", count, AtomicInteger::get).tag("state", state)
                    .description("Steps in this state now: running, parked, waiting to retry, waiting for their type")
                    .register(registry);
        }
        this.worker = NamedThreads.thread("conflux-analytics-collector", this::drain);
    }

    /** A collector with its thread running, outside OSGi (the engine benchmark); {@link #stop} ends it. */
    public static EventCollector start(MeterRegistry registry) {
        EventCollector collector = new EventCollector(registry);
        collector.worker.start();
        return collector;
    }

    /** CPU time the collector's thread has used, in nanoseconds (-1 where the JVM cannot tell). */
    public long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(worker.getId());
    }

    public void stop() throws InterruptedException {
        deactivate();
    }

    /** A registry named as in the container (every meter {@code conflux.*}), for use outside OSGi. */
    public static MeterRegistry registry() {
        return Metrics.create();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        queue.clear();
        queue.put(STOP);
        worker.join(TimeUnit.SECONDS.toMillis(5));
    }

    @Override
    public void handleEvent(Event event) {
        if (!queue.offer(event)) {
            dropped.increment();
        }
    }

    public Performance performance() {
        return performance;
    }

    private void drain() {
        while (true) {
            try {
                Event event = queue.take();
                if (event == STOP) {
                    return;
                }
                apply(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("An event could not be collected", e);
            }
        }
    }

    void apply(Event event) {
        String topic = event.getTopic();
        if (topic.startsWith(ConfluxTopics.WORKFLOW_RUN)) {
            run(event);
        } else if (topic.startsWith(ConfluxTopics.WORKFLOW_STEP)) {
            step(event);
        } else {
            topics.computeIfAbsent(topic, k -> new ArrayList<>());
            counter("conflux.events", "topic", topic).increment();
            if (topic.equals(UNDEPLOYED)) {
                undeployed(string(event, EventProperties.WORKFLOW_ID));
            }
        }
    }

    /** An undeployed workflow's meters leave the registry (so it is no longer sampled) and its figures go. */
    private void undeployed(String workflow) {
        if (workflow == null) {
            return;
        }
        List<Key> keys = workflows.remove(workflow);
        drop(workflow, keys == null ? List.of() : keys);
    }

    private void drop(String workflow, List<Key> keys) {
        removeMeters(keys);
        for (Iterator<Map.Entry<StepKey, List<Key>>> i = steps.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<StepKey, List<Key>> step = i.next();
            if (step.getKey().workflow().equals(workflow)) {
                removeMeters(step.getValue());
                i.remove();
            }
        }
        performance.forget(workflow);
    }

    private void removeMeters(List<Key> keys) {
        for (Key key : keys) {
            Meter meter = meters.remove(key);
            if (meter != null) {
                registry.remove(meter);
            }
        }
    }

    /** The workflows whose meters and figures are tracked now, least recently seen first. */
    List<String> trackedWorkflows() {
        return new ArrayList<>(workflows.keySet());
    }

    private void run(Event event) {
        String workflow = string(event, EventProperties.WORKFLOW_ID);
        String runId = string(event, EventProperties.RUN_ID);
        String state = string(event, EventProperties.STATE);
        Object previous = event.getProperty(EventProperties.PREVIOUS_STATE);
        if (workflow == null || runId == null || state == null) {
            return;
        }
        workflows.computeIfAbsent(workflow, k -> new ArrayList<>());
        switch (state) {
            case "PENDING", "RUNNING" -> {
                // a run's first event: PENDING while no step could start yet (no free slot, a step type missing), else RUNNING
                if (previous == null) {
                    performance.runStarted(workflow, runId);
                    counter("conflux.runs.started", "workflow", workflow).increment();
                } else {
                    performance.runSeen(workflow, runId);
                }
            }
            case "SUCCEEDED", "FAILED", "CANCELLED" -> {
                forgetSteps(runId);
                Long duration = number(event, EventProperties.DURATION_MS);
                performance.runEnded(workflow, runId, state, duration, timestamp(event));
                counter("conflux.runs." + state.toLowerCase(java.util.Locale.ROOT), "workflow", workflow).increment();
                if (duration != null) {
                    timer("conflux.run.duration", "Time from a run's start to its end", "workflow", workflow,
                            "state", state).record(Duration.ofMillis(duration));
                }
            }
            default -> performance.runSeen(workflow, runId);
        }
    }

    private void step(Event event) {
        String workflow = string(event, EventProperties.WORKFLOW_ID);
        String step = string(event, EventProperties.STEP_ID);
        String type = string(event, EventProperties.STEP_TYPE);
        String state = string(event, EventProperties.STATE);
        String runId = string(event, EventProperties.RUN_ID);
        if (workflow == null || step == null || state == null || runId == null) {
            return;
        }
        workflows.computeIfAbsent(workflow, k -> new ArrayList<>());
        steps.computeIfAbsent(new StepKey(workflow, step), k -> new ArrayList<>());
        Object item = event.getProperty(EventProperties.ITEM_INDEX);
        track(runId, runId + "/" + step + (item == null ? "" : "/" + item), state);
        if (item != null) {
            return; // a foreach step's items are measured through their step as a whole
        }
        switch (state) {
            case "RETRY_WAIT" -> {
                performance.stepRetried(workflow, step, type);
                counter("conflux.step.retries", "workflow", workflow, "step", step).increment();
            }
            case "SUCCEEDED", "FAILED", "SKIPPED" -> {
                Long duration = number(event, EventProperties.DURATION_MS);
                performance.stepEnded(workflow, step, type, state, duration);
                counter("conflux.steps.ended", "workflow", workflow, "step", step, "state", state).increment();
                if (duration != null && !"SKIPPED".equals(state)) {
                    timer("conflux.step.duration", "Time from a step's first attempt to its end", "workflow", workflow,
                            "step", step, "type", type == null ? "" : type).record(Duration.ofMillis(duration));
                }
            }
            default -> {
            }
        }
    }

    /** Keeps the gauges of steps per current state: each step counts in the state it was last seen in. */
    private void track(String runId, String key, String state) {
        String before = stepStates.remove(key);
        if (before != null && stepsInState.containsKey(before)) {
            stepsInState.get(before).decrementAndGet();
        }
        AtomicInteger now = stepsInState.get(state);
        if (now != null) {
            now.incrementAndGet();
            stepStates.put(key, state);
            stepsOfRun.computeIfAbsent(runId, k -> new HashSet<>()).add(key);
        } else {
            Set<String> keys = stepsOfRun.get(runId);
            if (keys != null) {
                keys.remove(key);
            }
        }
    }

    /** A cancelled or timed-out run ends its steps without their own events. */
    private void forgetSteps(String runId) {
        Set<String> keys = stepsOfRun.remove(runId);
        if (keys != null) {
            forget(keys);
        }
    }

    private void forget(Set<String> stepKeys) {
        for (String key : stepKeys) {
            String state = stepStates.remove(key);
            if (state != null && stepsInState.containsKey(state)) {
                stepsInState.get(state).decrementAndGet();
            }
        }
    }

    /** A meter's name and tags as a map key: no string building per event. */
    private record Key(String name, List<String> tags) {
        String tag(String tagKey) {
            for (int i = 0; i + 1 < tags.size(); i += 2) {
                if (tags.get(i).equals(tagKey)) {
                    return tags.get(i + 1);
                }
            }
            return null;
        }
    }

    private record StepKey(String workflow, String step) {
    }

    private Counter counter(String name, String... tags) {
        return (Counter) meter(new Key(name, Arrays.asList(tags)), () -> Counter.builder(name).tags(tags).register(registry));
    }

    private Timer timer(String name, String description, String... tags) {
        return (Timer) meter(new Key(name, Arrays.asList(tags)), () -> Timer.builder(name).description(description)
                .tags(tags).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1)).register(registry));
    }

    /** A meter, made and filed under its owner (a step, a workflow or a topic) the first time, so it goes with its owner. */
    private Meter meter(Key key, Supplier<Meter> make) {
        Meter meter = meters.get(key);
        if (meter != null) {
            return meter;
        }
        meter = make.get();
        meters.put(key, meter);
        String workflow = key.tag("workflow");
        String step = key.tag("step");
        List<Key> owner = step != null && workflow != null ? steps.get(new StepKey(workflow, step))
                : workflow != null ? workflows.get(workflow)
                : key.tag("topic") != null ? topics.get(key.tag("topic")) : null;
        if (owner != null) {
            owner.add(key);
        }
        return meter;
    }

    private static String string(Event event, String key) {
        Object value = event.getProperty(key);
        return value == null ? null : value.toString();
    }

    private static Long number(Event event, String key) {
        return event.getProperty(key) instanceof Number n ? n.longValue() : null;
    }

    private static long timestamp(Event event) {
        Long at = number(event, EventProperties.TIMESTAMP);
        return at != null ? at : System.currentTimeMillis();
    }
}
