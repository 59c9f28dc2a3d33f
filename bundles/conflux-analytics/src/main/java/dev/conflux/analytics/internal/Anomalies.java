package dev.conflux.analytics.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.conflux.analytics.internal.insight.AnomalyDetector;

/**
 * A detector for every series, fed with each sample. Until a series has two days of samples its
 * plain detector judges (EWMA, no season); from then on the daily-seasonal one, which has learnt
 * alongside. Fed by one thread.
 */
final class Anomalies {

    private static final double ALPHA = 0.05;
    private static final int PHASES_PER_DAY = 144;

    /** Series judged at most; the least recently sampled one beyond loses its detector. */
    static final int MAX_SERIES = 20_000;

    private record Pair(AnomalyDetector plain, AnomalyDetector daily, long[] seen) {
    }

    private record Series(String name, Map<String, String> labels) {
    }

    private final Map<Series, Pair> detectors;

    Anomalies(Runnable evicted) {
        this.detectors = new LruMap<>(MAX_SERIES, (series, pair) -> evicted.run());
    }

    Anomalies() {
        this(() -> { });
    }

    /** Drops the detectors of a workflow's series (those labelled {@code workflow=<id>}): it was undeployed. */
    void forget(String workflow) {
        detectors.keySet().removeIf(series -> workflow.equals(series.labels().get("workflow")));
    }

    int size() {
        return detectors.size();
    }
    private double threshold;
    private int warmUp;
    private int samplesPerDay;
    private int sampleSeconds;

    /** Applies new settings; detectors keep what they learnt unless the sampling interval changed. */
    void configure(double threshold, int warmUp, int sampleSeconds) {
        int perDay = 86_400 / Math.max(1, sampleSeconds);
        if (perDay != samplesPerDay || threshold != this.threshold || warmUp != this.warmUp) {
            detectors.clear();
        }
        this.threshold = threshold;
        this.warmUp = Math.max(1, warmUp);
        this.samplesPerDay = perDay;
        this.sampleSeconds = Math.max(1, sampleSeconds);
    }

    List<SeriesStore.Anomaly> inspect(long at, List<SeriesStore.Sample> samples) {
        List<SeriesStore.Anomaly> found = new ArrayList<>();
        // the sample's place in the day, from the clock, so a skipped sample does not shift the season
        long position = Math.floorMod(at, 86_400_000L) / (sampleSeconds * 1000L);
        // one event per sample interval is the least a rate can move
        double minDeviation = 1.0 / sampleSeconds;
        for (SeriesStore.Sample sample : samples) {
            if (sample.name().startsWith("conflux.events") || sample.name().startsWith("conflux.analytics.")) {
                continue; // counts of anomaly and alert events: judging them would feed anomalies back into themselves
            }
            Pair pair = detectors.computeIfAbsent(new Series(sample.name(), sample.labels()), k -> new Pair(
                    new AnomalyDetector(ALPHA, threshold, warmUp, 0, 1, minDeviation),
                    new AnomalyDetector(ALPHA, threshold, warmUp, samplesPerDay, PHASES_PER_DAY, minDeviation), new long[1]));
            AnomalyDetector.Verdict plain = pair.plain().next(sample.value());
            AnomalyDetector.Verdict daily = pair.daily().next(sample.value(), position);
            AnomalyDetector.Verdict verdict = ++pair.seen()[0] > 2L * samplesPerDay ? daily : plain;
            if (verdict.anomalous()) {
                found.add(new SeriesStore.Anomaly(at, sample.name(), sample.labels(), sample.value(), verdict.expected(),
                        verdict.zScore()));
            }
        }
        return found;
    }
}
