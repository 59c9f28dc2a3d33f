package dev.conflux.analytics.internal.alert;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = AlertRuleConfig.FACTORY_PID, name = "Conflux alert rule",
        description = "One alert rule over a metric (a file etc/dev.conflux.analytics.alert-<name>.cfg each). "
                + "Rules are evaluated at every sample; changes apply at once.")
public @interface AlertRuleConfig {

    String FACTORY_PID = "dev.conflux.analytics.alert";

    @AttributeDefinition(description = "The rule's name, unique: [a-z0-9][a-z0-9-]*")
    String name();

    @AttributeDefinition(description = "The metric, as stored: conflux.runs.failed, conflux.jvm.memory.used, "
            + "conflux.step.duration.mean ...")
    String metric();

    @AttributeDefinition(description = "Labels the series must carry: key=value pairs joined with commas; empty for every series",
            required = false)
    String labels() default "";

    @AttributeDefinition(description = "above / below: the value crosses the threshold; change-above: the value rises "
            + "faster than threshold per second; anomaly: the anomaly detector flags the value; forecast-above: the "
            + "forecast reaches the threshold within the horizon (a capacity warning)",
            options = {@Option(value = "above"), @Option(value = "below"), @Option(value = "change-above"),
                @Option(value = "anomaly"), @Option(value = "forecast-above")})
    String condition() default "above";

    @AttributeDefinition(description = "forecast-above: how far ahead to look: 30m, 6h, 7d", required = false)
    String horizon() default "1h";

    @AttributeDefinition(description = "The threshold (not used by anomaly)", required = false)
    double threshold() default 0;

    @AttributeDefinition(name = "for", description = "How long the condition must hold before the alert fires: 0s, 30s, 2m, 1h")
    String for$() default "1m";

    @AttributeDefinition(options = {@Option(value = "info"), @Option(value = "warning"), @Option(value = "critical")})
    String severity() default "warning";

    @AttributeDefinition(description = "Labels added to the alert, for routing: key=value pairs joined with commas",
            required = false)
    String alertLabels() default "";

    @AttributeDefinition(description = "What the alert means and what to do", required = false)
    String description() default "";
}
