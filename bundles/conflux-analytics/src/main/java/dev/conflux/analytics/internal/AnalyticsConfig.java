package dev.conflux.analytics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AnalyticsConfig.PID, name = "Conflux analytics",
        description = "How often every metric is sampled into the database, and how long each resolution is kept. "
                + "Changes apply at once.")
public @interface AnalyticsConfig {

    String PID = "dev.conflux.analytics";

    @AttributeDefinition(description = "Seconds between samples of every metric (the finest resolution), 1 to 59.")
    int sampleSeconds() default 10;

    @AttributeDefinition(description = "Hours the samples are kept (at least 1).")
    int keepSamplesHours() default 24;

    @AttributeDefinition(description = "Days the 1-minute roll-ups are kept.")
    int keepMinutesDays() default 7;

    @AttributeDefinition(description = "Days the 1-hour roll-ups are kept.")
    int keepHoursDays() default 90;

    @AttributeDefinition(description = "Standard deviations from the expected value that make a sample an anomaly.")
    double anomalyThreshold() default 4.0;

    @AttributeDefinition(description = "Samples a series must have before its anomalies are reported.")
    int anomalyWarmUpSamples() default 30;

    @AttributeDefinition(description = "Days anomalies are kept.")
    int keepAnomaliesDays() default 30;
}
