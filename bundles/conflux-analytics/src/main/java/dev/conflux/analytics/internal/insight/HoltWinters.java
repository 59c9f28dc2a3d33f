package dev.conflux.analytics.internal.insight;

/**
 * Additive Holt-Winters exponential smoothing (level, trend and a season of {@code period} points;
 * Holt's linear method when there is no season), with the smoothing parameters chosen by the least
 * one-step-ahead squared error over a grid, and prediction intervals from the variance of the
 * one-step errors (Hyndman et al., "Forecasting with Exponential Smoothing", class 1 models).
 */
public final class HoltWinters {

    private static final double[] ALPHAS = grid(0.05, 0.95, 0.05);
    private static final double[] BETAS = {0.0, 0.01, 0.05, 0.1, 0.2, 0.3};
    private static final double[] GAMMAS = {0.05, 0.1, 0.2, 0.3, 0.5, 0.7};

    /** A fitted model: its parameters, its state after the last point, and the one-step error's deviation. */
    public record Fit(double alpha, double beta, double gamma, int period, double level, double trend, double[] season,
            int nextSeasonIndex, double sigma) {
    }

    /** Mean forecast and the prediction interval, step by step after the last point. */
    public record Forecast(double[] mean, double[] lower, double[] upper) {
    }

    private HoltWinters() {
    }

    /**
     * Fits the series. {@code period} is the season's length in points; 0 (or too few points for
     * two seasons) fits without a season. Needs at least 3 points.
     */
    public static Fit fit(double[] y, int period) {
        if (y.length < 3) {
            throw new IllegalArgumentException("a forecast needs at least 3 points, got " + y.length);
        }
        int m = period >= 2 && y.length >= 2 * period ? period : 0;
        Fit best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (double alpha : ALPHAS) {
            for (double beta : BETAS) {
                for (double gamma : m == 0 ? new double[] {0} : GAMMAS) {
                    Fit fit = run(y, m, alpha, beta, gamma, bestError);
                    if (fit != null) {
                        bestError = fit.sigma();
                        best = fit;
                    }
                }
            }
        }
        return best;
    }

    /** @return the model after the last point, or null when its squared error already exceeds {@code bound} */
    private static Fit run(double[] y, int m, double alpha, double beta, double gamma, double bound) {
        double level;
        double trend;
        double[] season = new double[Math.max(1, m)];
        int start;
        if (m > 0) {
            double first = mean(y, 0, m);
            double second = mean(y, m, 2 * m);
            level = first;
            trend = (second - first) / m;
            for (int i = 0; i < m; i++) {
                season[i] = y[i] - first;
            }
            start = m;
        } else {
            level = y[0];
            trend = y[1] - y[0];
            start = 1;
        }
        double squared = 0;
        int errors = 0;
        double boundSquared = bound == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY
                : bound * bound * Math.max(1, y.length - start);
        for (int t = start; t < y.length; t++) {
            double s = m > 0 ? season[t % m] : 0;
            double predicted = level + trend + s;
            double error = y[t] - predicted;
            squared += error * error;
            errors++;
            if (squared > boundSquared) {
                return null;
            }
            double previousLevel = level;
            double previousTrend = trend;
            level = alpha * (y[t] - s) + (1 - alpha) * (level + trend);
            trend = beta * (level - previousLevel) + (1 - beta) * trend;
            if (m > 0) {
                season[t % m] = gamma * (y[t] - previousLevel - previousTrend) + (1 - gamma) * s;
            }
        }
        double sigma = Math.sqrt(squared / Math.max(1, errors));
        return new Fit(alpha, beta, gamma, m, level, trend, season, y.length % Math.max(1, m), sigma);
    }

    /** Forecasts {@code horizon} points after the fitted ones, with intervals of {@code z} deviations (1.96: 95 %). */
    public static Forecast forecast(Fit fit, int horizon, double z) {
        double[] mean = new double[horizon];
        double[] lower = new double[horizon];
        double[] upper = new double[horizon];
        double variance = 0;
        for (int h = 1; h <= horizon; h++) {
            double s = fit.period() > 0 ? fit.season()[(fit.nextSeasonIndex() + h - 1) % fit.period()] : 0;
            mean[h - 1] = fit.level() + h * fit.trend() + s;
            if (h > 1) {
                int j = h - 1;
                double c = fit.alpha() * (1 + j * fit.beta()) + (fit.period() > 0 && j % fit.period() == 0 ? fit.gamma() : 0);
                variance += c * c;
            }
            double spread = z * fit.sigma() * Math.sqrt(1 + variance);
            lower[h - 1] = mean[h - 1] - spread;
            upper[h - 1] = mean[h - 1] + spread;
        }
        return new Forecast(mean, lower, upper);
    }

    /** The mean absolute percentage error of a forecast against what happened (points where actual is 0 are left out). */
    public static double mape(double[] actual, double[] forecast) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < Math.min(actual.length, forecast.length); i++) {
            if (actual[i] != 0) {
                sum += Math.abs((actual[i] - forecast[i]) / actual[i]);
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private static double mean(double[] y, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += y[i];
        }
        return sum / (to - from);
    }

    private static double[] grid(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step) + 1;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = from + i * step;
        }
        return values;
    }
}
