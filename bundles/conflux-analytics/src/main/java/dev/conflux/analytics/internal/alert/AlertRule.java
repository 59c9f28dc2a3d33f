package dev.conflux.analytics.internal.alert;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import dev.conflux.analytics.internal.query.Labels;
import dev.conflux.analytics.internal.query.Params;
import dev.conflux.api.problem.ProblemException;

/** One configured alert rule (factory configuration {@value AlertRuleConfig#FACTORY_PID}), checked when it is configured. */
@Component(service = AlertRule.class, configurationPid = AlertRuleConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AlertRuleConfig.class, factory = true)
public class AlertRule {

    static final java.util.List<String> CONDITIONS = java.util.List.of("above", "below", "change-above", "anomaly",
            "forecast-above");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    /** The rule's checked settings. */
    public record Definition(String name, String metric, Map<String, String> labels, String condition, double threshold,
            Duration holdFor, String severity, Map<String, String> alertLabels, String description, Duration horizon) {
    }

    private final Definition definition;

    @Activate
    public AlertRule(AlertRuleConfig config) {
        this.definition = parse(config.name(), config.metric(), config.labels(), config.condition(), config.threshold(),
                config.for$(), config.severity(), config.alertLabels(), config.description(), config.horizon());
    }

    public Definition definition() {
        return definition;
    }

    /** @throws IllegalArgumentException naming the setting that is wrong (the component then does not start) */
    static Definition parse(String name, String metric, String labels, String condition, double threshold, String holdFor,
            String severity, String alertLabels, String description) {
        return parse(name, metric, labels, condition, threshold, holdFor, severity, alertLabels, description, "1h");
    }

    static Definition parse(String name, String metric, String labels, String condition, double threshold, String holdFor,
            String severity, String alertLabels, String description, String horizon) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("alert rule: 'name' must match [a-z0-9][a-z0-9-]*, got '" + name + "'");
        }
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("alert rule " + name + ": 'metric' is missing");
        }
        String c = condition == null ? "above" : condition.trim().toLowerCase(Locale.ROOT);
        if (!CONDITIONS.contains(c)) {
            throw new IllegalArgumentException("alert rule " + name + ": 'condition' must be one of " + CONDITIONS + ", got '"
                    + condition + "'");
        }
        Duration d;
        Duration ahead;
        try {
            d = holdFor == null || holdFor.isBlank() || holdFor.trim().matches("0+(ms|s|m|h)?") ? Duration.ZERO
                    : Params.duration("for", holdFor, Duration.ZERO, Duration.ofDays(7));
            ahead = Params.duration("horizon", horizon, Duration.ofHours(1), Duration.ofDays(7));
        } catch (ProblemException e) {
            throw new IllegalArgumentException("alert rule " + name + ": " + e.getMessage());
        }
        String s = severity == null ? "warning" : severity.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("info") && !s.equals("warning") && !s.equals("critical")) {
            throw new IllegalArgumentException("alert rule " + name + ": 'severity' must be info, warning or critical, got '"
                    + severity + "'");
        }
        return new Definition(name, metric.trim(), Labels.parse("labels", labels), c, threshold, d, s,
                Labels.parse("alertLabels", alertLabels), description == null ? "" : description, ahead);
    }
}
