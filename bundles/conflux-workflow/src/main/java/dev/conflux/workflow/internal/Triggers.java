package dev.conflux.workflow.internal;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import dev.conflux.api.concurrent.NamedThreads;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.workflow.internal.definition.Trigger;
import dev.conflux.workflow.internal.definition.WorkflowDefinition;
import dev.conflux.workflow.internal.engine.RunEngine;

/**
 * Starts runs from the {@code triggers} of deployed workflows: cron schedules, and EventAdmin
 * topics whose event properties become the run's input. A new version replaces the old one's
 * triggers; undeploying removes them. Fire times missed while the platform was down are skipped.
 * A cron fire starts its run under an id made from the workflow and the fire time, so nodes that
 * share a database and fire the same schedule start one run between them.
 */
@Component(immediate = true)
public class Triggers {

    private static final Logger LOG = LoggerFactory.getLogger(Triggers.class);
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final ConfluxWorkflowService workflows;
    private final WorkflowDefinitions definitions;
    private final BundleContext context;
    private final ScheduledExecutorService timer;
    private final Map<String, Armed> armed = new HashMap<>();
    private final Consumer<String> listener = this::refresh;

    /** What one workflow's triggers hold: timers and event handler registrations. */
    private record Armed(List<ScheduledFuture<?>> timers, List<ServiceRegistration<EventHandler>> handlers) {
    }

    @Activate
    public Triggers(@Reference ConfluxWorkflowService workflows, @Reference WorkflowDefinitions definitions, BundleContext context) {
        this.workflows = workflows;
        this.definitions = definitions;
        this.context = context;
        this.timer = Executors.newSingleThreadScheduledExecutor(NamedThreads.single("conflux-workflow-triggers"));
        definitions.onChange(listener);
        // every deployed workflow, page by page: the first page alone left the triggers of the others unarmed
        for (int offset = 0;; ) {
            var page = workflows.list(offset, 500);
            page.items().forEach(summary -> refresh(summary.id()));
            offset += page.items().size();
            if (page.items().isEmpty() || offset >= page.total()) {
                break;
            }
        }
    }

    @Deactivate
    synchronized void deactivate() {
        definitions.removeListener(listener);
        armed.keySet().forEach(id -> disarm(armed.get(id)));
        armed.clear();
        timer.shutdownNow();
    }

    /** Re-arms a workflow's triggers from its current version (or removes them when undeployed). */
    synchronized void refresh(String workflowId) {
        Armed previous = armed.remove(workflowId);
        if (previous != null) {
            disarm(previous);
        }
        Optional<RunEngine.Loaded> current = definitions.current(workflowId);
        if (current.isEmpty() || current.get().definition().triggers().isEmpty()) {
            return;
        }
        WorkflowDefinition definition = current.get().definition();
        Armed now = new Armed(new ArrayList<>(), new ArrayList<>());
        for (Trigger trigger : definition.triggers()) {
            if (trigger instanceof Trigger.Cron cron) {
                scheduleNext(workflowId, ExecutionTime.forCron(CRON.parse(cron.expression())), now);
            } else if (trigger instanceof Trigger.Event event) {
                Dictionary<String, Object> props = new Hashtable<>();
                props.put(EventConstants.EVENT_TOPIC, event.topic());
                now.handlers().add(context.registerService(EventHandler.class, e -> fire(workflowId, inputs(e), "event", null), props));
            }
        }
        armed.put(workflowId, now);
        LOG.info("Workflow '{}' triggers: {}", workflowId, definition.triggers());
    }

    private void scheduleNext(String workflowId, ExecutionTime schedule, Armed into) {
        ZonedDateTime now = ZonedDateTime.now();
        Optional<ZonedDateTime> next = schedule.nextExecution(now);
        if (next.isEmpty()) {
            return;
        }
        long fireAt = next.get().toInstant().toEpochMilli();
        into.timers().add(timer.schedule(() -> {
            fire(workflowId, Map.of(), "cron", cronRunId(workflowId, fireAt));
            synchronized (this) {
                if (armed.get(workflowId) == into) {
                    into.timers().removeIf(ScheduledFuture::isDone);
                    scheduleNext(workflowId, schedule, into);
                }
            }
        }, Math.max(1, fireAt - System.currentTimeMillis()), TimeUnit.MILLISECONDS));
    }

    /** The same on every node for the same workflow and fire time. */
    static String cronRunId(String workflowId, long fireAtMillis) {
        return UUID.nameUUIDFromBytes(("cron:" + workflowId + "@" + fireAtMillis).getBytes(StandardCharsets.UTF_8)).toString();
    }



    /** @param runId the run's id when its cause names one (a cron fire time), else null for a fresh id */
    private void fire(String workflowId, Map<String, Object> inputs, String trigger, String runId) {
        try {
            workflows.startOnce(workflowId, inputs, trigger, runId);
        } catch (ProblemException e) {
            LOG.warn("A {} trigger could not start workflow '{}': {}", trigger, workflowId, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("A {} trigger failed to start workflow '{}'", trigger, workflowId, e);
        }
    }

    /** Event properties as a run's input: JSON-like values, EventAdmin's own keys left out. */
    static Map<String, Object> inputs(org.osgi.service.event.Event event) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (String name : event.getPropertyNames()) {
            if (name.equals(EventConstants.EVENT_TOPIC)) {
                continue;
            }
            Object value = event.getProperty(name);
            inputs.put(name, value instanceof String || value instanceof Number || value instanceof Boolean || value == null
                    ? value : String.valueOf(value));
        }
        return inputs;
    }

    private static void disarm(Armed armed) {
        armed.timers().forEach(t -> t.cancel(false));
        for (ServiceRegistration<EventHandler> registration : armed.handlers()) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
    }
}
