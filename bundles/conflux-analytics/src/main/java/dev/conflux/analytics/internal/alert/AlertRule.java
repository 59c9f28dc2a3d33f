package dev.conflux.analytics.internal.alert;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import dev.conflux.analytics.internal.rest.Labels;

/** One configured alert rule (factory configuration {@value AlertRuleConfig#FACTORY_PID}), checked when it is configured. */
@Component(service = AlertRule.class, configurationPid = AlertRuleConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AlertRuleConfig.class, factory = true)
public class AlertRule {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** The rule's checked settings. */
    public record Definition(String name, String metric, Map<String, String> labels, String condition, double threshold,
            Duration holdFor, String severity, Map<String, String> alertLabels, String description) {
    }

    private final Definition definition;

    @Activate
    public AlertRule(AlertRuleConfig config) {
        this.definition = parse(config.name(), config.metric(), config.labels(), config.condition(), config.threshold(),
                config.for$(), config.severity(), config.alertLabels(), config.description());
    }

    public Definition definition() {
        return definition;
    }

    /** @throws IllegalArgumentException naming the setting that is wrong (the component then does not start) */
    static Definition parse(String name, String metric, String labels, String condition, double threshold, String holdFor,
            String severity, String alertLabels, String description) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("alert rule: 'name' must match [a-z0-9][a-z0-9-]*, got '" + name + "'");
        }
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("alert rule " + name + ": 'metric' is missing");
        }
        String c = condition == null ? "above" : condition.trim().toLowerCase(Locale.ROOT);
        if (!c.equals("above") && !c.equals("below") && !c.equals("change-above") && !c.equals("anomaly")) {
            throw new IllegalArgumentException("alert rule " + name + ": 'condition' must be above, below, change-above "
                    + "or anomaly, got '" + condition + "'");
        }
        var m = DURATION.matcher(holdFor == null ? "0s" : holdFor.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("alert rule " + name + ": 'for' must be a duration such as 30s or 2m, got '"
                    + holdFor + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        String s = severity == null ? "warning" : severity.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("info") && !s.equals("warning") && !s.equals("critical")) {
            throw new IllegalArgumentException("alert rule " + name + ": 'severity' must be info, warning or critical, got '"
                    + severity + "'");
        }
        return new Definition(name, metric.trim(), Labels.parse("labels", labels), c, threshold, d, s,
                Labels.parse("alertLabels", alertLabels), description == null ? "" : description);
    }
}
