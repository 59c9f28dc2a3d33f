package dev.conflux.workflow.internal.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.workflow.StepState;
import dev.conflux.workflow.internal.definition.Expressions;
import dev.conflux.workflow.internal.definition.StepDefinition;

/**
 * Rebuilds a run's steps from its stored rows: after a restart (a step that was running runs again)
 * or for a retry (every step that did not succeed starts again at attempt 1).
 */
final class RunRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(RunRecovery.class);

    private RunRecovery() {
    }

    /**
     * Gives the run its steps back from {@code rows}.
     *
     * @return the keys of stored rows that no longer belong to the run (to delete on a retry)
     */
    static List<String> restoreSteps(ActiveRun run, List<RunStore.StepRow> rows, boolean forRetry) {
        Map<String, StepDefinition> byId = new LinkedHashMap<>();
        run.definition.steps().forEach(d -> byId.put(d.id(), d));
        Map<String, StepDefinition> failureSteps = new LinkedHashMap<>();
        run.definition.onFailure().forEach(d -> failureSteps.put(d.id(), d));
        Map<String, RunStore.StepRow> byKey = new LinkedHashMap<>();
        rows.forEach(row -> byKey.put(row.key(), row));
        List<String> dropped = new ArrayList<>();
        List<StepDefinition> all = new ArrayList<>(run.definition.steps());
        if (run.failurePhase) {
            all.addAll(run.definition.onFailure());
        }
        for (StepDefinition definition : all) {
            RunStore.StepRow row = byKey.get(definition.id());
            StepRecord step = new StepRecord(definition, null, null);
            run.steps.put(step.key, step);
            if (row != null) {
                apply(step, row);
            }
            List<RunStore.StepRow> items = rows.stream().filter(r -> r.item() != null && r.stepId().equals(definition.id()))
                    .sorted(Comparator.comparing(RunStore.StepRow::item)).toList();
            boolean keepItems = !items.isEmpty() && !(forRetry && step.state != StepState.SUCCEEDED);
            if (keepItems) {
                step.itemKeys = new ArrayList<>();
                for (RunStore.StepRow itemRow : items) {
                    StepRecord item = new StepRecord(definition, itemRow.item(), null);
                    apply(item, itemRow);
                    run.steps.put(item.key, item);
                    step.itemKeys.add(item.key);
                }
            } else {
                items.forEach(item -> dropped.add(item.key()));
            }
        }
        if (forRetry) {
            for (RunStore.StepRow row : rows) {
                if (row.item() == null && failureSteps.containsKey(row.stepId()) && !byId.containsKey(row.stepId())) {
                    dropped.add(row.key());
                }
            }
            for (StepRecord step : run.steps.values()) {
                if (step.state != StepState.SUCCEEDED) {
                    // a retried step starts again at attempt 1, with its whole retry policy
                    step.attempt = 0;
                    step.state = StepState.PENDING;
                    step.error = null;
                    step.endedAt = null;
                    step.dueAt = null;
                    step.output = null;
                    step.outputJson = null;
                }
            }
        }
        restoreItems(run, byKey);
        for (StepRecord step : run.steps.values()) {
            // an attempt that was running when the engine stopped runs again (at least once)
            if (step.state == StepState.RUNNING && step.itemKeys == null) {
                step.state = StepState.PENDING;
            }
        }
        return dropped;
    }

    /**
     * Gives an unfinished foreach step all its items back, each with its value. Items are stored
     * when they first change state, so after a crash only some have rows, and no row holds the
     * value an item runs with; the list is evaluated again from what it reads (the run's inputs and
     * the finished steps it needs, all stored), and the stored rows are applied to their items.
     */
    private static void restoreItems(ActiveRun run, Map<String, RunStore.StepRow> rows) {
        Map<String, List<StepRecord>> rebuilt = new LinkedHashMap<>();
        for (StepRecord step : run.steps.values()) {
            if (step.item != null || step.itemKeys == null || step.state.isFinished() || step.definition.foreach() == null) {
                continue;
            }
            Object list;
            try {
                list = Expressions.evaluate(step.definition.foreach(), RunVariables.of(run, null));
            } catch (IllegalArgumentException e) {
                list = null;
            }
            if (!(list instanceof List<?> values) || values.size() < step.itemKeys.size()) {
                LOG.warn("Run {} step {}: its foreach list cannot be evaluated again ({}); only its {} stored items continue",
                        run.runId, step.key, list == null ? "an error" : "it changed", step.itemKeys.size());
                continue;
            }
            List<StepRecord> items = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                StepRecord item = new StepRecord(step.definition, i, values.get(i));
                RunStore.StepRow row = rows.get(item.key);
                if (row != null) {
                    apply(item, row);
                }
                items.add(item);
            }
            rebuilt.put(step.key, items);
        }
        if (rebuilt.isEmpty()) {
            return;
        }
        // the same order as when the run was live: each foreach step followed by its items
        List<StepRecord> order = new ArrayList<>();
        for (StepRecord step : run.steps.values()) {
            if (step.item != null && rebuilt.containsKey(step.definition.id())) {
                continue;
            }
            order.add(step);
            List<StepRecord> items = rebuilt.get(step.key);
            if (items != null) {
                order.addAll(items);
                step.itemKeys = new ArrayList<>(items.stream().map(item -> item.key).toList());
            }
        }
        run.steps.clear();
        order.forEach(step -> run.steps.put(step.key, step));
    }

    private static void apply(StepRecord step, RunStore.StepRow row) {
        step.stored = true;
        step.state = row.state();
        step.attempt = row.attempt();
        step.output = row.output();
        step.error = row.error();
        step.startedAt = row.startedAt();
        step.endedAt = row.endedAt();
        step.dueAt = row.dueAt();
        if (row.state() == StepState.WAITING && row.output() instanceof Map<?, ?> state) {
            step.resumeState = RunVariables.castMap(state);
        }
    }
}
