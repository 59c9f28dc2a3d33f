package dev.conflux.analytics.internal.insight;

/** Pearson correlation of two aligned series, also with one shifted against the other. */
public final class Correlation {

    /** The best correlation found and the lag it was found at: a positive lag means {@code other} moves first. */
    public record Lagged(double r, int lag, int points) {
    }

    private Correlation() {
    }

    /** Pearson's r over the points where both series have a value (NaN marks a gap); NaN when undefined. */
    public static double pearson(double[] a, double[] b, int lagOfB) {
        double sa = 0;
        double sb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            int j = i - lagOfB;
            if (j < 0 || j >= b.length || Double.isNaN(a[i]) || Double.isNaN(b[j])) {
                continue;
            }
            sa += a[i];
            sb += b[j];
            saa += a[i] * a[i];
            sbb += b[j] * b[j];
            sab += a[i] * b[j];
            n++;
        }
        if (n < 3) {
            return Double.NaN;
        }
        double cov = sab - sa * sb / n;
        double va = saa - sa * sa / n;
        double vb = sbb - sb * sb / n;
        if (va <= 1e-12 * Math.max(1, saa) || vb <= 1e-12 * Math.max(1, sbb)) {
            return Double.NaN;
        }
        return Math.max(-1, Math.min(1, cov / Math.sqrt(va * vb)));
    }

    /** The lag in [0, maxLag] (other leading) with the strongest correlation, by absolute value. */
    public static Lagged best(double[] target, double[] other, int maxLag) {
        Lagged best = new Lagged(Double.NaN, 0, 0);
        for (int lag = 0; lag <= maxLag; lag++) {
            double r = pearson(target, other, lag);
            if (!Double.isNaN(r) && (Double.isNaN(best.r()) || Math.abs(r) > Math.abs(best.r()))) {
                best = new Lagged(r, lag, target.length - lag);
            }
        }
        return best;
    }
}
