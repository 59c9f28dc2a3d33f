package dev.conflux.workflow.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import dev.conflux.api.store.SchemaMigrator;
import dev.conflux.api.store.StoreException;
import dev.conflux.api.workflow.DeployResult;
import dev.conflux.api.workflow.Page;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.ValidationMessage;
import dev.conflux.api.workflow.WorkflowDetails;
import dev.conflux.api.workflow.WorkflowService;
import dev.conflux.api.workflow.WorkflowSummary;
import dev.conflux.api.workflow.WorkflowValidationException;
import dev.conflux.workflow.internal.definition.DefinitionParser;
import dev.conflux.workflow.internal.definition.Expressions;
import dev.conflux.workflow.internal.definition.StepDefinition;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;
import dev.conflux.workflow.internal.engine.RunEngine;
import dev.conflux.workflow.internal.schema.BoundedMaps;
import dev.conflux.workflow.internal.schema.JsonSchemas;
import dev.conflux.workflow.internal.store.DefinitionStore;

/**
 * Workflow definitions: validates, versions and stores them, and hands the engine parsed versions.
 */
@Component(service = WorkflowDefinitions.class, configurationPid = WorkflowConfig.PID)
@Designate(ocd = WorkflowConfig.class)
public class WorkflowDefinitions {

    /** A storage failure: the database did not answer; the caller may try again. */
    static final ProblemType STORAGE_UNAVAILABLE = ProblemType.of("storage-unavailable", "The database is not available", 503);

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowDefinitions.class);
    private static final int MAX_PAGE = 500;

    private final DefinitionStore store;
    private final StepTypeRegistry stepTypes;
    private volatile DefinitionParser parser;
    private final java.util.List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Parsed versions, most recently used kept: a version never changes, but every deployment adds one. */
    private final Map<String, WorkflowDefinition> parsed = BoundedMaps.leastRecentlyUsed(PARSED_VERSIONS);
    /** How many parsed versions are kept in memory; one past that is parsed again from the database when a run needs it. */
    static final int PARSED_VERSIONS = 1024;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Activate
    public WorkflowDefinitions(@Reference(target = "(dataSourceName=conflux)") DataSource dataSource,
            @Reference SchemaMigrator migrator, @Reference StepTypeRegistry stepTypes, WorkflowConfig config) {
        migrator.migrate("workflow", getClass().getClassLoader());
        this.store = new DefinitionStore(dataSource);
        this.stepTypes = stepTypes;
        modified(config);
    }

    @Modified
    void modified(WorkflowConfig config) {
        this.parser = new DefinitionParser(config.maxDocumentBytes(), stepTypes::isAvailable);
    }

    public WorkflowService.ValidationReport validate(String source) {
        DefinitionParser.Result result = parser.parse(source);
        return new WorkflowService.ValidationReport(result.id(), result.errors(), warnings(result));
    }

    public DeployResult deploy(String source, String origin) {
        DefinitionParser.Result result = parser.parse(source);
        if (!result.valid()) {
            throw new WorkflowValidationException(result.errors());
        }
        String id = result.definition().id();
        DefinitionStore.Stored stored;
        try {
            stored = store.store(id, source, sha256(source), result.definition().description(),
                    result.definition().steps().size(), origin == null ? "api" : origin, Instant.now());
        } catch (StoreException e) {
            throw storageFailure("storing workflow '" + id + "'", e);
        }
        if (stored.created()) {
            LOG.info("Deployed workflow '{}' version {} from {}", id, stored.version(), origin);
            post("DEPLOYED", id, stored.version());
        }
        changed(id);
        List<ValidationMessage> warnings = warnings(result);
        for (ValidationMessage warning : warnings) {
            LOG.warn("Workflow '{}': {}", id, warning);
        }
        return new DeployResult(id, stored.version(), stored.created(), warnings);
    }

    public Page<WorkflowSummary> list(int offset, int limit) {
        int from = Math.max(0, offset);
        int size = Math.max(1, Math.min(MAX_PAGE, limit));
        try {
            return new Page<>(store.list(from, size), from, size, store.count());
        } catch (StoreException e) {
            throw storageFailure("listing workflows", e);
        }
    }

    public Optional<WorkflowDetails> get(String id) {
        try {
            Optional<WorkflowSummary> current = store.current(id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            String source = store.source(id, current.get().version()).orElse("");
            List<ValidationMessage> warnings = warnings(parser.parse(source));
            return Optional.of(new WorkflowDetails(current.get(), source, store.versions(id), Map.of(), warnings));
        } catch (StoreException e) {
            throw storageFailure("reading workflow '" + id + "'", e);
        }
    }

    public Optional<String> source(String id, int version) {
        try {
            return store.source(id, version);
        } catch (StoreException e) {
            throw storageFailure("reading workflow '" + id + "'", e);
        }
    }

    public boolean undeploy(String id) {
        try {
            Optional<WorkflowSummary> current = store.current(id);
            if (current.isEmpty() || !store.undeploy(id)) {
                return false;
            }
            LOG.info("Undeployed workflow '{}'", id);
            post("UNDEPLOYED", id, current.get().version());
            changed(id);
            return true;
        } catch (StoreException e) {
            throw storageFailure("undeploying workflow '" + id + "'", e);
        }
    }

    /** The current version of a deployed workflow, parsed. */
    public Optional<RunEngine.Loaded> current(String id) {
        try {
            Optional<WorkflowSummary> current = store.current(id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            return version(id, current.get().version()).map(definition -> new RunEngine.Loaded(definition, current.get().version()));
        } catch (StoreException e) {
            throw storageFailure("reading workflow '" + id + "'", e);
        }
    }

    /**
     * The parser's warnings and, for each step whose {@code with} is literal (no expression in it)
     * and whose type is available, how it does not fit the type's input schema: such a step would
     * be refused at every run.
     */
    private List<ValidationMessage> warnings(DefinitionParser.Result result) {
        List<ValidationMessage> warnings = new ArrayList<>(result.warnings());
        if (result.definition() == null) {
            return warnings;
        }
        literalInputWarnings("steps", result.definition().steps(), warnings);
        literalInputWarnings("onFailure", result.definition().onFailure(), warnings);
        return warnings;
    }

    private void literalInputWarnings(String section, List<StepDefinition> steps, List<ValidationMessage> warnings) {
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition step = steps.get(i);
            if (step.foreach() != null || !literal(step.with())) {
                continue;
            }
            StepType type = stepTypes.find(step.type()).orElse(null);
            if (type == null) {
                continue;
            }
            Object with = step.with();
            Object inputs = with instanceof Map<?, ?> ? with : with == null ? Map.of() : Map.of("value", with);
            List<String> problems;
            try {
                problems = JsonSchemas.mismatches(type.inputSchema(), inputs);
            } catch (RuntimeException unusableSchema) {
                problems = List.of("the step type's input schema cannot be used: " + unusableSchema.getMessage());
            }
            if (!problems.isEmpty()) {
                warnings.add(new ValidationMessage(step.line(), step.column(), section + "[" + i + "].with",
                        "step '" + step.id() + "': its 'with' does not fit step type '" + step.type() + "', so every run would refuse it: "
                                + String.join("; ", problems)));
            }
        }
    }

    /** Whether a {@code with} tree holds no expression, so it is the same at every run. */
    private static boolean literal(Object value) {
        if (value instanceof String text) {
            return !Expressions.isTemplate(text);
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().allMatch(WorkflowDefinitions::literal);
        }
        if (value instanceof List<?> list) {
            return list.stream().allMatch(WorkflowDefinitions::literal);
        }
        return true;
    }

    /** A version of a workflow, parsed; versions never change, so they are kept once parsed. */
    public Optional<WorkflowDefinition> version(String id, int version) {
        String key = id + "@" + version;
        WorkflowDefinition cached = parsed.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<String> source = source(id, version);
        if (source.isEmpty()) {
            return Optional.empty();
        }
        DefinitionParser.Result result = new DefinitionParser(Integer.MAX_VALUE, type -> true).parse(source.get());
        if (!result.valid()) {
            throw new IllegalStateException("stored workflow '" + id + "' version " + version + " no longer parses: " + result.errors());
        }
        parsed.put(key, result.definition());
        return Optional.of(result.definition());
    }

    /** The workflow whose current version was deployed from {@code origin} (a file in deploy/). */
    public Optional<String> deployedFrom(String origin) {
        try {
            return store.deployedFrom(origin);
        } catch (StoreException e) {
            throw storageFailure("looking up " + origin, e);
        }
    }

    /** Tells {@code listener} the id of every workflow deployed or undeployed from now on. */
    public void onChange(java.util.function.Consumer<String> listener) {
        listeners.add(listener);
    }

    public void removeListener(java.util.function.Consumer<String> listener) {
        listeners.remove(listener);
    }

    private void changed(String id) {
        for (java.util.function.Consumer<String> listener : listeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                LOG.warn("A listener failed on the change of workflow '{}'", id, e);
            }
        }
    }

    private void post(String what, String id, int version) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(ConfluxTopics.WORKFLOW_DEFINITION + what, Map.of(
                    EventProperties.WORKFLOW_ID, id, EventProperties.WORKFLOW_VERSION, version,
                    EventProperties.TIMESTAMP, System.currentTimeMillis())));
        }
    }

    private static ProblemException storageFailure(String doing, StoreException e) {
        LOG.error("Database error while {}", doing, e);
        return new ProblemException(STORAGE_UNAVAILABLE, "The database failed while " + doing + "; try again. (" + e.sqlState() + ")");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
