package dev.conflux.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.h2.jdbcx.JdbcConnectionPool;

import org.osgi.service.event.Event;

import dev.conflux.analytics.internal.EventCollector;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.store.internal.FlywaySchemaMigrator;
import dev.conflux.workflow.internal.definition.DefinitionParser;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;
import dev.conflux.workflow.internal.engine.RunEngine;
import dev.conflux.workflow.internal.engine.RunIds;

/** Conflux's engine, embedded exactly as the container runs it, on an H2 file database with WRITE_DELAY=0. */
final class ConfluxSide {

    /** {@code analyticsCpuShare}: the collector thread's share of the process's CPU time while measuring, or NaN. */
    record Result(double perSecond, double p50Millis, double p99Millis, double analyticsCpuShare) {
    }

    private static final String WORKFLOW = """
            id: bench
            steps:
              - {id: one, type: noop}
              - {id: two, type: noop, needs: [one]}
              - {id: three, type: noop, needs: [two]}
            """;

    /**
     * @param analytics whether the analytics collector listens, as it does in the container: each
     *     event is handed to it (a bounded queue) and its own thread turns events into meters
     */
    static Result measure(Path folder, int runs, int concurrency, boolean analytics) throws Exception {
        EventCollector collector = analytics ? EventCollector.start(EventCollector.registry()) : null;
        // pooled, as in the container (pax-jdbc with HikariCP): H2 closes a database whose last connection closes
        JdbcConnectionPool dataSource = JdbcConnectionPool.create(
                "jdbc:h2:" + folder.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0", "bench", "");
        dataSource.setMaxConnections(32);
        new FlywaySchemaMigrator(dataSource).migrate("workflow", ConfluxSide.class.getClassLoader());
        WorkflowDefinition definition = new DefinitionParser(1 << 20, t -> true).parse(WORKFLOW).definition();

        Map<String, CompletableFuture<Void>> done = new ConcurrentHashMap<>();
        Map<String, Long> lastStepEnd = new ConcurrentHashMap<>();
        AtomicLongArray overheads = new AtomicLongArray(runs * 3 + 3 * 64);
        AtomicInteger samples = new AtomicInteger();
        StepType noop = new StepType() {
            @Override
            public String name() {
                return "noop";
            }

            @Override
            public String description() {
                return "does nothing";
            }

            @Override
            public StepResult execute(StepContext context) {
                long now = System.nanoTime();
                Long previous = lastStepEnd.get(context.runId());
                if (previous != null) {
                    int i = samples.getAndIncrement();
                    if (i < overheads.length()) {
                        overheads.set(i, now - previous);
                    }
                }
                lastStepEnd.put(context.runId(), System.nanoTime());
                return StepResult.success(null);
            }
        };
        RunEngine engine = new RunEngine(dataSource, new RunEngine.Definitions() {
            @Override
            public Optional<RunEngine.Loaded> current(String workflowId) {
                return Optional.of(new RunEngine.Loaded(definition, 1));
            }

            @Override
            public Optional<WorkflowDefinition> version(String workflowId, int version) {
                return Optional.of(definition);
            }
        }, name -> Optional.of(noop), (topic, properties) -> {
            // the container's engine posts every transition to EventAdmin with or without analytics: the event is made
            // either way, and only handed to the collector when analytics listens
            Event event = new Event(topic, properties);
            if (collector != null) {
                collector.handleEvent(event);
            }
            if (topic.equals("conflux/workflow/run/SUCCEEDED")) {
                CompletableFuture<Void> future = done.get((String) properties.get("run.id"));
                if (future != null) {
                    future.complete(null);
                }
            }
        }, new RunEngine.Settings(Integer.getInteger("bench.workers", 64), 0, Duration.ofMinutes(1)));
        try {
            run(engine, done, lastStepEnd, Math.min(runs, 300), concurrency); // warm-up
            samples.set(0);
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long processCpu = os.getProcessCpuTime();
            long collectorCpu = collector == null ? 0 : collector.cpuNanos();
            long start = System.nanoTime();
            run(engine, done, lastStepEnd, runs, concurrency);
            double seconds = (System.nanoTime() - start) / 1e9;
            double share = collector == null ? Double.NaN
                    : (double) (collector.cpuNanos() - collectorCpu) / (os.getProcessCpuTime() - processCpu);
            long[] measured = new long[Math.min(samples.get(), overheads.length())];
            for (int i = 0; i < measured.length; i++) {
                measured[i] = overheads.get(i);
            }
            return new Result(runs / seconds, EngineBenchmark.quantileMillis(measured, 0.5), EngineBenchmark.quantileMillis(measured, 0.99),
                    share);
        } finally {
            engine.close();
            dataSource.dispose();
            if (collector != null) {
                collector.stop();
            }
        }
    }

    private static void run(RunEngine engine, Map<String, CompletableFuture<Void>> done, Map<String, Long> lastStepEnd, int runs,
            int concurrency) throws Exception {
        AtomicLong left = new AtomicLong(runs);
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        for (int c = 0; c < concurrency; c++) {
            clients.execute(() -> {
                while (left.getAndDecrement() > 0) {
                    String runId = RunIds.next(); // what the engine gives a run started without an id
                    CompletableFuture<Void> finished = new CompletableFuture<>();
                    done.put(runId, finished);
                    engine.start("bench", Map.of(), "api", runId);
                    finished.join();
                    done.remove(runId);
                    lastStepEnd.remove(runId);
                }
            });
        }
        clients.shutdown();
        if (!clients.awaitTermination(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the benchmark did not finish");
        }
    }
}
