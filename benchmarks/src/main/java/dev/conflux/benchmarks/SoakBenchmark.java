package dev.conflux.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.h2.jdbcx.JdbcConnectionPool;

import io.micrometer.core.instrument.MeterRegistry;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.conflux.analytics.internal.EventCollector;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.store.internal.FlywaySchemaMigrator;
import dev.conflux.workflow.internal.ConfluxWorkflowService;
import dev.conflux.workflow.internal.StepTypeRegistry;
import dev.conflux.workflow.internal.WorkflowConfig;
import dev.conflux.workflow.internal.WorkflowDefinitions;

/**
 * A soak: the workflow service (definitions, engine, step types) and the analytics collector wired
 * as in the container, under steady load for a while, with workflows deployed and undeployed all
 * the time, each under a new id. Every minute it prints the heap used after a full GC, the live
 * threads and the meters analytics holds; all three must stay flat. Run on demand:
 * {@code mvn -B -q -pl benchmarks exec:exec -Dbench.main=dev.conflux.benchmarks.SoakBenchmark -Dbench.soakMinutes=30}.
 */
public final class SoakBenchmark {

    /** Workflows deployed at any time; each new one undeploys the oldest. */
    private static final int DEPLOYED = 20;

    public static void main(String[] args) throws Exception {
        int minutes = Integer.getInteger("bench.soakMinutes", 30);
        int clients = Integer.getInteger("bench.soakClients", 8);
        int ratePerSecond = Integer.getInteger("bench.soakRate", 300);
        Path work = Files.createTempDirectory("conflux-soak");
        try {
            soak(work, minutes, clients, ratePerSecond);
        } finally {
            EngineBenchmark.delete(work);
        }
        System.exit(0);
    }

    private static void soak(Path work, int minutes, int clients, int ratePerSecond) throws Exception {
        System.out.printf(Locale.ROOT, "Soak: %d min, %d clients, %d runs/s, %d workflows deployed at a time, a new one every 2 s; "
                + "heap %d MiB, %d cores%n", minutes, clients, ratePerSecond, DEPLOYED, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        JdbcConnectionPool dataSource = JdbcConnectionPool.create(
                "jdbc:h2:" + work.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0", "soak", "");
        dataSource.setMaxConnections(32);
        new FlywaySchemaMigrator(dataSource).migrate("workflow", SoakBenchmark.class.getClassLoader());
        MeterRegistry registry = EventCollector.registry();
        EventCollector collector = EventCollector.start(registry);
        EventAdmin events = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                collector.handleEvent(event);
            }

            @Override
            public void sendEvent(Event event) {
                collector.handleEvent(event);
            }
        };
        StepTypeRegistry stepTypes = new StepTypeRegistry();
        addStepType(stepTypes, new Work());
        WorkflowConfig config = (WorkflowConfig) Proxy.newProxyInstance(SoakBenchmark.class.getClassLoader(),
                new Class<?>[] {WorkflowConfig.class}, (proxy, method, arguments) -> method.getDefaultValue());
        WorkflowDefinitions definitions = new WorkflowDefinitions(dataSource, new FlywaySchemaMigrator(dataSource), stepTypes, config);
        inject(definitions, "eventAdmin", events);
        ConfluxWorkflowService workflows = new ConfluxWorkflowService(definitions, stepTypes, dataSource, config);
        inject(workflows, "eventAdmin", events);

        Deque<String> deployed = new ArrayDeque<>();
        AtomicReference<List<String>> current = new AtomicReference<>(List.of());
        AtomicLong next = new AtomicLong();
        for (int i = 0; i < DEPLOYED; i++) {
            deployed.add(deploy(workflows, next.getAndIncrement()));
        }
        current.set(List.copyOf(deployed));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong started = new AtomicLong();
        AtomicLong succeeded = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long nanosPerRun = TimeUnit.SECONDS.toNanos(1) / Math.max(1, ratePerSecond);
        AtomicLong nextStart = new AtomicLong(System.nanoTime());
        ExecutorService load = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            load.execute(() -> {
                while (!stop.get()) {
                    long at = nextStart.getAndAdd(nanosPerRun);
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    List<String> ids = current.get();
                    String workflow = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                    try {
                        RunView run = workflows.startRun(workflow, Map.of("n", started.incrementAndGet()), "soak");
                        if (awaitEnd(workflows, run.runId()) == RunState.SUCCEEDED) {
                            succeeded.incrementAndGet();
                        }
                    } catch (RuntimeException undeployedMeanwhile) {
                        refused.incrementAndGet();
                    }
                }
            });
        }
        ExecutorService churn = Executors.newSingleThreadExecutor();
        churn.execute(() -> {
            while (!stop.get()) {
                try {
                    TimeUnit.SECONDS.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
                deployed.add(deploy(workflows, next.getAndIncrement()));
                String oldest = deployed.poll();
                current.set(List.copyOf(deployed));
                workflows.undeploy(oldest);
            }
        });

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<Long> heaps = new ArrayList<>();
        List<Integer> threads = new ArrayList<>();
        List<Integer> meters = new ArrayList<>();
        System.out.println("minute  heap after GC (MiB)  threads  analytics meters  runs succeeded  workflows deployed so far");
        long lastSucceeded = 0;
        for (int minute = 1; minute <= minutes; minute++) {
            TimeUnit.MINUTES.sleep(1);
            System.gc();
            long heap = memory.getHeapMemoryUsage().getUsed();
            int live = ManagementFactory.getThreadMXBean().getThreadCount();
            int meterCount = registry.getMeters().size();
            long done = succeeded.get();
            heaps.add(heap);
            threads.add(live);
            meters.add(meterCount);
            System.out.printf(Locale.ROOT, "%6d  %19.1f  %7d  %16d  %14d  %d%n", minute, heap / 1048576.0, live, meterCount,
                    done - lastSucceeded, next.get());
            lastSucceeded = done;
        }
        stop.set(true);
        churn.shutdownNow();
        load.shutdown();
        load.awaitTermination(1, TimeUnit.MINUTES);
        System.out.printf(Locale.ROOT, "runs started %d, succeeded %d, refused (workflow undeployed meanwhile) %d%n", started.get(),
                succeeded.get(), refused.get());
        report("heap after GC", heaps.stream().map(h -> h / 1048576.0).toList(), "MiB");
        report("threads", threads.stream().map(Integer::doubleValue).toList(), "");
        report("analytics meters", meters.stream().map(Integer::doubleValue).toList(), "");
        var deactivate = ConfluxWorkflowService.class.getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(workflows);
        collector.stop();
        dataSource.dispose();
    }

    /** The first third's mean against the last third's, after the first minutes of warming up. */
    private static void report(String what, List<Double> values, String unit) {
        int skip = Math.min(2, values.size() / 3);
        List<Double> steady = values.subList(skip, values.size());
        int third = Math.max(1, steady.size() / 3);
        double first = steady.subList(0, third).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double last = steady.subList(steady.size() - third, steady.size()).stream().mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
        double max = steady.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%s: first third %.1f %s, last third %.1f %s (%+.1f %%), highest %.1f %s%n", what, first, unit,
                last, unit, (last - first) / first * 100, max, unit);
    }

    private static String deploy(ConfluxWorkflowService workflows, long n) {
        String id = "soak-" + n;
        workflows.deploy("id: " + id + "\n"
                + "inputs: {type: object, properties: {n: {type: integer}}}\n"
                + "steps:\n"
                + "  - {id: a, type: work, with: {n: \"${inputs.n}\"}}\n"
                + "  - {id: b, type: work, needs: [a], foreach: \"${[1, 2]}\", with: {n: \"${item}\"}}\n"
                + "  - {id: c, type: work, needs: [b], with: {n: 3}}\n", "soak");
        return id;
    }

    private static RunState awaitEnd(ConfluxWorkflowService workflows, String runId) {
        for (int i = 0; i < 10_000; i++) {
            RunView run = workflows.getRun(runId).orElseThrow();
            if (run.state().isFinished()) {
                return run.state();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return run.state();
            }
        }
        throw new IllegalStateException("run " + runId + " did not end in 50 s");
    }

    /** Registers a step type as DS would, with its service property. */
    @SuppressWarnings("unchecked")
    private static void addStepType(StepTypeRegistry registry, StepType type) throws Exception {
        Map<String, Object> properties = Map.of(StepType.TYPE_PROPERTY, type.name(), "service.id", 1L);
        var reference = (org.osgi.framework.ServiceReference<StepType>) Proxy.newProxyInstance(SoakBenchmark.class.getClassLoader(),
                new Class<?>[] {org.osgi.framework.ServiceReference.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) arguments[0]);
                    case "compareTo" -> 0;
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
        var add = StepTypeRegistry.class.getDeclaredMethod("addStepType", StepType.class, org.osgi.framework.ServiceReference.class);
        add.setAccessible(true);
        add.invoke(registry, type, reference);
    }

    private static void inject(Object component, String field, Object value) throws Exception {
        Field f = component.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(component, value);
    }

    /** A step with an input schema, as connectors' steps have: its input is checked at every attempt. */
    private static final class Work implements StepType {
        @Override
        public String name() {
            return "work";
        }

        @Override
        public String description() {
            return "adds one to n";
        }

        @Override
        public Map<String, Object> inputSchema() {
            return Map.of("type", "object", "required", List.of("n"), "properties", Map.of("n", Map.of("type", "integer")));
        }

        @Override
        public StepResult execute(StepContext context) {
            return StepResult.success(Map.of("n", ((Number) context.inputs().get("n")).longValue() + 1));
        }
    }
}
