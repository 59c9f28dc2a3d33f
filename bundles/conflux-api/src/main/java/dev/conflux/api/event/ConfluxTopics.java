package dev.conflux.api.event;

import java.util.Locale;

/**
 * The EventAdmin topics of Conflux. Every topic starts with {@value #ROOT}; subscribe to
 * {@code conflux/*} for everything, or to a prefix followed by {@code *} for one family.
 */
public final class ConfluxTopics {

    /** The root of every Conflux topic. */
    public static final String ROOT = "conflux/";

    /** A run changed state: the last segment is the new state, e.g. {@code conflux/workflow/run/SUCCEEDED}. */
    public static final String WORKFLOW_RUN = "conflux/workflow/run/";

    /** A step changed state: the last segment is the new state, e.g. {@code conflux/workflow/step/FAILED}. */
    public static final String WORKFLOW_STEP = "conflux/workflow/step/";

    /** A workflow definition was deployed or undeployed: {@code .../DEPLOYED}, {@code .../UNDEPLOYED}. */
    public static final String WORKFLOW_DEFINITION = "conflux/workflow/definition/";

    /** The aggregated platform health changed: the last segment is the new status. */
    public static final String HEALTH = "conflux/platform/health/";

    /** An alert fired or resolved (analytics): {@code .../FIRING}, {@code .../RESOLVED}. */
    public static final String ALERT = "conflux/analytics/alert/";

    private ConfluxTopics() {
    }

    /** The run topic for a state name: {@code runTopic("succeeded")} is {@code conflux/workflow/run/SUCCEEDED}. */
    public static String runTopic(String state) {
        return WORKFLOW_RUN + segment(state);
    }

    /** The step topic for a state name. */
    public static String stepTopic(String state) {
        return WORKFLOW_STEP + segment(state);
    }

    /** Every topic below a prefix, for {@code EventConstants.EVENT_TOPIC}: {@code conflux/workflow/run/*}. */
    public static String all(String prefix) {
        return prefix.endsWith("/") ? prefix + "*" : prefix + "/*";
    }

    private static String segment(String state) {
        if (state == null || state.isBlank() || state.contains("/") || state.contains("*")) {
            throw new IllegalArgumentException("a topic segment must be a plain name, got '" + state + "'");
        }
        return state.toUpperCase(Locale.ROOT);
    }
}
