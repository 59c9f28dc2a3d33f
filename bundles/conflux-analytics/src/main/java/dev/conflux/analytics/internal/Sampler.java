package dev.conflux.analytics.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

/**
 * Reads every meter into series samples. Gauges are stored as they are; counters as their rate per
 * second since the last sample; timers and summaries as {@code <name>.rate} (events per second),
 * {@code <name>.mean} (mean duration in seconds, or mean amount, over the interval) and
 * {@code <name>.max}. A meter that appears between two samples counts from zero at the earlier one;
 * the first sample after a start, or one after a counter went down, has no rate.
 */
final class Sampler {

    private record Previous(double count, double total, long at) {
    }

    private final Map<String, Previous> previous = new HashMap<>();
    private long lastSampleAt = -1;

    /**
     * Takes the counts as they are now as the starting point: the first sample then has rates, and a
     * meter made after this moment counts from zero here, so nothing counted before the first sample is lost.
     */
    void baseline(MeterRegistry registry, long atMillis) {
        for (Meter meter : registry.getMeters()) {
            String key = meter.getId().getName() + '\u0000' + labels(meter);
            if (meter instanceof Counter || meter instanceof FunctionCounter) {
                previous.put(key, new Previous(first(meter, Statistic.COUNT), 0, atMillis));
            } else if (meter instanceof Timer || meter instanceof FunctionTimer) {
                previous.put(key, new Previous(first(meter, Statistic.COUNT), first(meter, Statistic.TOTAL_TIME), atMillis));
            } else if (meter instanceof DistributionSummary) {
                previous.put(key, new Previous(first(meter, Statistic.COUNT), first(meter, Statistic.TOTAL), atMillis));
            }
        }
        lastSampleAt = atMillis;
    }

    List<SeriesStore.Sample> sample(MeterRegistry registry, long atMillis) {
        List<SeriesStore.Sample> samples = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            Map<String, String> labels = labels(meter);
            String key = name + '\u0000' + labels;
            present.add(key);
            if (meter instanceof Gauge || meter instanceof TimeGauge) {
                add(samples, name, labels, first(meter, Statistic.VALUE));
            } else if (meter instanceof Counter || meter instanceof FunctionCounter) {
                Previous before = since(previous.put(key, new Previous(first(meter, Statistic.COUNT), 0, atMillis)));
                double count = previous.get(key).count();
                if (before != null && count >= before.count() && atMillis > before.at()) {
                    add(samples, name, labels, (count - before.count()) * 1000.0 / (atMillis - before.at()));
                }
            } else if (meter instanceof Timer || meter instanceof DistributionSummary || meter instanceof FunctionTimer) {
                double count = first(meter, Statistic.COUNT);
                double total = meter instanceof DistributionSummary ? first(meter, Statistic.TOTAL) : first(meter, Statistic.TOTAL_TIME);
                Previous before = since(previous.put(key, new Previous(count, total, atMillis)));
                if (before != null && count >= before.count() && atMillis > before.at()) {
                    double events = count - before.count();
                    add(samples, name + ".rate", labels, events * 1000.0 / (atMillis - before.at()));
                    if (events > 0) {
                        add(samples, name + ".mean", labels, (total - before.total()) / events);
                    }
                }
                add(samples, name + ".max", labels, first(meter, Statistic.MAX));
            } else {
                for (Measurement m : meter.measure()) {
                    add(samples, name + "." + m.getStatistic().name().toLowerCase(Locale.ROOT), labels, m.getValue());
                }
            }
        }
        // a meter removed from the registry (an undeployed workflow's) leaves no count behind
        previous.keySet().retainAll(present);
        lastSampleAt = atMillis;
        return samples;
    }

    /** A meter that appeared since the last sample started from zero then. */
    private Previous since(Previous before) {
        return before != null || lastSampleAt < 0 ? before : new Previous(0, 0, lastSampleAt);
    }

    private static void add(List<SeriesStore.Sample> samples, String name, Map<String, String> labels, double value) {
        if (Double.isFinite(value)) {
            samples.add(new SeriesStore.Sample(name, labels, value));
        }
    }

    private static double first(Meter meter, Statistic statistic) {
        for (Measurement m : meter.measure()) {
            if (m.getStatistic() == statistic) {
                return m.getValue();
            }
        }
        return Double.NaN;
    }

    private static Map<String, String> labels(Meter meter) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Tag tag : meter.getId().getTags()) {
            labels.put(tag.getKey(), tag.getValue());
        }
        return labels;
    }
}
