package dev.conflux.benchmarks;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.cfg.StandaloneProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.jobexecutor.DefaultJobExecutor;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;

/**
 * Camunda 7 embedded, the peer: a BPMN process of three no-op service tasks, each
 * {@code asyncBefore} so each step is a durable job, as in Conflux; history none; job executor with
 * 8 threads; H2 file database. Measured as durable as Conflux (H2 writes every commit to the file,
 * {@code WRITE_DELAY=0}) and, for reference, at H2's default write delay (commits reach the file up
 * to half a second later, so a crash can lose them).
 */
final class CamundaSide {

    record Result(double perSecond) {
    }

    static final Map<String, CompletableFuture<Void>> DONE = new ConcurrentHashMap<>();

    /** Marks an instance finished: the end event's listener. */
    public static class Finished implements ExecutionListener {
        @Override
        public void notify(org.camunda.bpm.engine.delegate.DelegateExecution execution) {
            // whoever comes first, the listener or the starter, creates the future: no window between the two
            DONE.computeIfAbsent(execution.getProcessInstanceId(), k -> new CompletableFuture<>()).complete(null);
        }
    }

    /** The no-op service task. */
    public static class Noop implements org.camunda.bpm.engine.delegate.JavaDelegate {
        @Override
        public void execute(org.camunda.bpm.engine.delegate.DelegateExecution execution) {
        }
    }

    /** @param durable whether each commit is written to the file at once ({@code WRITE_DELAY=0}), as Conflux's are */
    static Result measure(Path folder, int runs, int concurrency, boolean durable) throws Exception {
        StandaloneProcessEngineConfiguration config = new StandaloneProcessEngineConfiguration();
        config.setJdbcUrl("jdbc:h2:" + folder.resolve("db").toAbsolutePath() + (durable ? ";WRITE_DELAY=0" : ""));
        config.setJdbcUsername("sa");
        config.setJdbcPassword("");
        config.setJdbcDriver("org.h2.Driver");
        config.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
        config.setHistory(ProcessEngineConfiguration.HISTORY_NONE);
        config.setJdbcMaxActiveConnections(64);
        config.setMetricsEnabled(false);
        DefaultJobExecutor jobs = new DefaultJobExecutor();
        jobs.setCorePoolSize(Integer.getInteger("bench.camundaJobThreads", 8));
        jobs.setMaxPoolSize(Integer.getInteger("bench.camundaJobThreads", 8));
        jobs.setMaxJobsPerAcquisition(32);
        jobs.setWaitTimeInMillis(50);
        jobs.setMaxWait(100);
        config.setJobExecutor(jobs);
        config.setJobExecutorActivate(true);
        ProcessEngine engine = config.buildProcessEngine();
        try {
            BpmnModelInstance model = Bpmn.createExecutableProcess("bench")
                    .startEvent()
                    .serviceTask("one").camundaClass(Noop.class.getName()).camundaAsyncBefore()
                    .serviceTask("two").camundaClass(Noop.class.getName()).camundaAsyncBefore()
                    .serviceTask("three").camundaClass(Noop.class.getName()).camundaAsyncBefore()
                    .endEvent().camundaExecutionListenerClass(ExecutionListener.EVENTNAME_END, Finished.class.getName())
                    .done();
            engine.getRepositoryService().createDeployment().addModelInstance("bench.bpmn", model).deploy();
            run(engine, Math.min(runs, 300), concurrency); // warm-up
            long start = System.nanoTime();
            run(engine, runs, concurrency);
            return new Result(runs / ((System.nanoTime() - start) / 1e9));
        } finally {
            engine.close();
        }
    }

    private static void run(ProcessEngine engine, int runs, int concurrency) throws Exception {
        AtomicLong left = new AtomicLong(runs);
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        for (int c = 0; c < concurrency; c++) {
            clients.execute(() -> {
                while (left.getAndDecrement() > 0) {
                    String id = engine.getRuntimeService().startProcessInstanceByKey("bench").getId();
                    try {
                        DONE.computeIfAbsent(id, k -> new CompletableFuture<>()).get(1, TimeUnit.MINUTES);
                    } catch (Exception e) {
                        throw new IllegalStateException("Camunda instance " + id + " did not end within a minute", e);
                    }
                    DONE.remove(id);
                }
            });
        }
        clients.shutdown();
        if (!clients.awaitTermination(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the benchmark did not finish");
        }
    }
}
