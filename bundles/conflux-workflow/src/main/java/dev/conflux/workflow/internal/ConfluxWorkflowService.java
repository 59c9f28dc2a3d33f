package dev.conflux.workflow.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.step.StepContext;
import dev.conflux.api.store.StoreException;
import dev.conflux.api.workflow.DeployResult;
import dev.conflux.api.workflow.Page;
import dev.conflux.api.workflow.RunLogLine;
import dev.conflux.api.workflow.RunState;
import dev.conflux.api.workflow.RunView;
import dev.conflux.api.workflow.WorkflowDetails;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowSummary;
import dev.conflux.workflow.internal.engine.RunEngine;
import dev.conflux.workflow.internal.engine.RunQueries;

/**
 * The one {@link WorkflowService} every face calls: definitions from {@link WorkflowDefinitions},
 * runs from the {@link RunEngine} this component owns. Changing the engine settings restarts the
 * engine, which continues every unfinished run.
 */
@Component(service = {WorkflowService.class, ConfluxWorkflowService.class}, configurationPid = WorkflowConfig.PID)
public class ConfluxWorkflowService implements WorkflowService {

    private static final Logger LOG = LoggerFactory.getLogger(ConfluxWorkflowService.class);
    private static final int MAX_PAGE = 500;

    private final WorkflowDefinitions definitions;
    private final StepTypeRegistry stepTypes;
    private final RunEngine engine;
    private final RunQueries runs;
    private final Consumer<String> stepTypeListener;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Activate
    public ConfluxWorkflowService(@Reference WorkflowDefinitions definitions, @Reference StepTypeRegistry stepTypes,
            @Reference(target = "(dataSourceName=conflux)") DataSource dataSource, WorkflowConfig config) {
        this.definitions = definitions;
        this.stepTypes = stepTypes;
        this.engine = new RunEngine(dataSource, new RunEngine.Definitions() {
            @Override
            public Optional<RunEngine.Loaded> current(String workflowId) {
                return definitions.current(workflowId);
            }

            @Override
            public Optional<dev.conflux.workflow.internal.definition.WorkflowDefinition> version(String workflowId, int version) {
                return definitions.version(workflowId, version);
            }
        }, stepTypes::find, this::publish, settings(config));
        this.runs = new RunQueries(dataSource);
        this.stepTypeListener = engine::stepTypeAdded;
        stepTypes.onAdded(stepTypeListener);
        engine.recover();
        engine.purgeEvery(Duration.ofDays(config.keepFinishedRunsDays()));
    }

    /** A changed configuration applies to the running engine: runs and their steps go on. */
    @Modified
    void modified(WorkflowConfig config) {
        engine.apply(settings(config));
        engine.purgeEvery(Duration.ofDays(config.keepFinishedRunsDays()));
        LOG.info("Workflow engine limits now: {} concurrent steps, {} per workflow (0: no limit), step types awaited {} s",
                config.maxConcurrentSteps(), config.maxConcurrentStepsPerWorkflow(), config.stepTypeWaitLimitSeconds());
    }

    private static RunEngine.Settings settings(WorkflowConfig config) {
        return new RunEngine.Settings(config.maxConcurrentSteps(), config.maxConcurrentStepsPerWorkflow(),
                Duration.ofSeconds(config.stepTypeWaitLimitSeconds()));
    }

    @Deactivate
    void deactivate() {
        stepTypes.removeListener(stepTypeListener);
        engine.close();
    }

    private void publish(String topic, Map<String, Object> properties) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(topic, properties));
        }
    }

    @Override
    public ValidationReport validate(String source) {
        return definitions.validate(source);
    }

    @Override
    public DeployResult deploy(String source, String origin) {
        return definitions.deploy(source, origin);
    }

    @Override
    public Page<WorkflowSummary> list(int offset, int limit) {
        return definitions.list(offset, limit);
    }

    @Override
    public Optional<WorkflowDetails> get(String id) {
        return definitions.get(id).map(details -> new WorkflowDetails(details.summary(), details.source(), details.versions(),
                query(() -> runs.countsByState(id)), details.warnings()));
    }

    @Override
    public Optional<String> source(String id, int version) {
        return definitions.source(id, version);
    }

    @Override
    public boolean undeploy(String id) {
        return definitions.undeploy(id);
    }

    @Override
    public RunView startRun(String workflowId, Map<String, Object> inputs, String trigger) {
        return engine.start(workflowId, inputs, trigger);
    }

    /**
     * Starts a run under an id that names its cause (a cron fire time), or returns the run when that
     * id was started before, here or by another node sharing the database: each cause starts one run.
     * A null id starts a run under a fresh one.
     */
    public RunView startOnce(String workflowId, Map<String, Object> inputs, String trigger, String runId) {
        return engine.start(workflowId, inputs, trigger, runId);
    }

    /**
     * Starts the child run of the step behind {@code parentStep}, or returns it when that step
     * started it before; the child's end resumes the step.
     */
    public RunView startChild(StepContext parentStep, String workflowId, Map<String, Object> inputs) {
        return engine.startChild(parentStep, workflowId, inputs);
    }

    /** The id of the child run that the step behind {@code parentStep} starts. */
    public String childRunId(StepContext parentStep) {
        return engine.childRunId(parentStep);
    }

    /** When a run was last retried; empty when it never was. */
    public Optional<java.time.Instant> retriedAt(String runId) {
        return query(() -> runs.retriedAt(runId));
    }

    @Override
    public Optional<RunView> getRun(String runId) {
        return query(() -> runs.get(runId)).map(this::inDefinitionOrder);
    }

    /**
     * Steps as the workflow lists them (onFailure last), each foreach step followed by its items;
     * steps that have not started yet (which have no row until they first change state) as PENDING.
     */
    private RunView inDefinitionOrder(RunView run) {
        Map<String, Integer> order = new java.util.HashMap<>();
        List<dev.conflux.api.workflow.StepView> steps = new java.util.ArrayList<>(run.steps());
        definitions.version(run.workflowId(), run.version()).ifPresent(definition -> {
            definition.steps().forEach(step -> order.putIfAbsent(step.id(), order.size()));
            definition.onFailure().forEach(step -> order.putIfAbsent(step.id(), order.size()));
            java.util.Set<String> present = new java.util.HashSet<>();
            run.steps().forEach(step -> present.add(step.stepId()));
            for (var step : definition.steps()) {
                if (!present.contains(step.id())) {
                    steps.add(new dev.conflux.api.workflow.StepView(step.id(), null, step.type(),
                            run.state().isFinished() ? dev.conflux.api.workflow.StepState.SKIPPED : dev.conflux.api.workflow.StepState.PENDING,
                            0, null, null, null, null));
                }
            }
        });
        steps.sort(java.util.Comparator.<dev.conflux.api.workflow.StepView>comparingInt(s -> order.getOrDefault(s.stepId(), Integer.MAX_VALUE))
                .thenComparingInt(s -> s.item() == null ? -1 : s.item()));
        return new RunView(run.runId(), run.workflowId(), run.version(), run.state(), run.inputs(), run.error(), run.trigger(),
                run.createdAt(), run.endedAt(), steps);
    }

    @Override
    public Page<RunView> listRuns(String workflowId, RunState state, Instant since, int offset, int limit) {
        int from = Math.max(0, offset);
        int size = Math.max(1, Math.min(MAX_PAGE, limit));
        return query(() -> new Page<>(runs.list(workflowId, state, since, from, size), from, size, runs.count(workflowId, state, since)));
    }

    @Override
    public List<RunLogLine> runLogs(String runId, int offset, int limit) {
        if (query(() -> runs.get(runId)).isEmpty()) {
            throw ProblemException.notFound("no run " + runId);
        }
        return query(() -> runs.logs(runId, Math.max(0, offset), Math.max(1, Math.min(10_000, limit))));
    }

    @Override
    public RunView pause(String runId) {
        return engine.pause(runId);
    }

    @Override
    public RunView resume(String runId) {
        return engine.resume(runId);
    }

    @Override
    public RunView cancel(String runId) {
        return engine.cancel(runId);
    }

    @Override
    public RunView retry(String runId) {
        return engine.retry(runId);
    }

    private static <T> T query(Supplier<T> query) {
        try {
            return query.get();
        } catch (StoreException e) {
            LOG.error("Database error while reading runs", e);
            throw new ProblemException(WorkflowDefinitions.STORAGE_UNAVAILABLE, "The database failed while reading runs; try again. ("
                    + e.sqlState() + ")");
        }
    }
}
