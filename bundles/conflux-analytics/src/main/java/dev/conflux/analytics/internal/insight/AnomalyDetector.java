package dev.conflux.analytics.internal.insight;

/**
 * Finds unusual values in one series as they arrive. The series is modelled as a level (an
 * exponentially weighted mean, EWMA) plus, where it has a period (a day of samples, say), a seasonal
 * offset per phase of the period ({@code buckets} of them, each learnt from the same phase of the
 * periods before); what is left, the residual, has an EWMA variance. A value is anomalous when its
 * residual lies more than {@code threshold} deviations from zero, so a daily peak is expected at its
 * hour and not flagged, while the same value at night is. An anomalous value is learnt only as far
 * as the threshold, so one spike does not hide the next; after {@value #SHIFT} in a row the values
 * are learnt as they come, so a lasting change of level becomes the new normal.
 */
public final class AnomalyDetector {

    /** What a value was judged: its deviation in standard deviations, and what was expected. */
    public record Verdict(boolean anomalous, double zScore, double expected, double deviation) {
    }

    private static final double SEASON_WEIGHT = 0.5;
    /** Anomalies in a row after which the detector takes the values as they come. */
    static final int SHIFT = 3;

    private final double alpha;
    private final double levelWeight;
    private final double threshold;
    private final int warmUp;
    private final int period;
    private final double minDeviation;
    private final double[] season;
    private final boolean[] seasonSeen;
    private int inARow;
    private double level = Double.NaN;
    private double trend;
    private double variance;
    private long index;

    /**
     * @param alpha the weight of a new value in the level and the variance (0.05: about the last 40 values count)
     * @param threshold how many deviations make an anomaly (4 by default)
     * @param warmUp values to learn from before judging; with a period, at least two periods are learnt too
     * @param period the season's length in values, 0 for none
     * @param buckets phases of the season with their own offset (ignored without a period)
     */
    public AnomalyDetector(double alpha, double threshold, int warmUp, int period, int buckets) {
        this(alpha, threshold, warmUp, period, buckets, 0);
    }

    /**
     * @param minDeviation the smallest deviation the detector assumes, in the series' own unit: a rate
     *     that sits at 0 and then counts one event is not an anomaly of a billion deviations
     */
    public AnomalyDetector(double alpha, double threshold, int warmUp, int period, int buckets, double minDeviation) {
        this.minDeviation = Math.max(0, minDeviation);
        this.alpha = alpha;
        this.threshold = threshold;
        this.period = Math.max(0, period);
        // with a season the level is the mean over about a period, so the season, not the level, follows the daily shape
        this.levelWeight = this.period > 0 ? Math.min(alpha, 2.0 / this.period) : alpha;
        int n = this.period > 0 ? Math.max(1, Math.min(buckets, this.period)) : 1;
        this.season = new double[n];
        this.seasonSeen = new boolean[n];
        this.warmUp = this.period > 0 ? Math.max(warmUp, 2 * this.period) : warmUp;
    }

    /** Judges a value and learns from it. */
    public Verdict next(double value) {
        return next(value, index);
    }

    /** Judges a value at a position in the period (its sample number since midnight, say) and learns from it. */
    public Verdict next(double value, long position) {
        int b = period > 0 ? (int) (Math.floorMod(position, (long) period) * season.length / period) : 0;
        index++;
        if (Double.isNaN(level)) {
            level = value;
            return new Verdict(false, 0, value, 0);
        }
        double offset = period > 0 && seasonSeen[b] ? season[b] : 0;
        double expected = level + trend + offset;
        double deviation = Math.sqrt(variance);
        // a floor on the deviation, so a perfectly flat series does not call its first wiggle an anomaly
        double scale = Math.max(deviation, Math.max(Math.max(1e-9, minDeviation), Math.abs(expected) * 1e-3));
        double residual = value - expected;
        double z = residual / scale;
        boolean anomalous = index > warmUp && Math.abs(z) > threshold;
        inARow = anomalous ? inARow + 1 : 0;
        // a few anomalies in a row are a new normal (a level shift): learnt in full from then on
        double learned = anomalous && inARow <= SHIFT ? expected + Math.signum(z) * threshold * scale : value;
        double learnedResidual = learned - expected;
        variance = (1 - alpha) * variance + alpha * learnedResidual * learnedResidual;
        double before = level;
        level = level + trend + levelWeight * (learned - offset - level - trend);
        if (period > 0) {
            // a slow trend (Holt), so a series that grows through the day is not always a little behind
            trend += 0.1 * levelWeight * (level - before - trend);
        }
        if (period > 0) {
            season[b] = seasonSeen[b] ? season[b] + SEASON_WEIGHT * (learned - level - season[b]) : learned - level;
            seasonSeen[b] = true;
        }
        return new Verdict(anomalous, z, expected, deviation);
    }
}
