package dev.conflux.analytics.internal;

import java.util.ArrayList;
import java.util.HashMap;
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

    private record Pair(AnomalyDetector plain, AnomalyDetector daily, long[] seen) {
    }

    private final Map<String, Pair> detectors = new HashMap<>();
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
            Pair pair = detectors.computeIfAbsent(sample.name() + '\u0000' + sample.labels(), k -> new Pair(
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
