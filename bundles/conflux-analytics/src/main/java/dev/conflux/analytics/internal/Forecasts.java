package dev.conflux.analytics.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.conflux.analytics.internal.insight.HoltWinters;

/** Forecasts of stored series: the REST API and the forecast-above alert rules share it. */
public final class Forecasts {

    /** Why a series cannot be forecast. */
    public static final class Unforecastable extends Exception {
        private static final long serialVersionUID = 1L;
        public final int status;

        Unforecastable(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** A forecast of one series: the model, its predictions after the last stored point, and what it was fitted to. */
    public record Result(Map<String, String> labels, int resolutionSeconds, int historyPoints, long lastAt, HoltWinters.Fit fit,
            HoltWinters.Forecast forecast) {
    }

    private Forecasts() {
    }

    /**
     * Fits the series of {@code name} with {@code labels} (exactly one must match) over the history,
     * from 1-minute points when there are 30 of them, else from the samples, with a daily season
     * once two days are stored, and forecasts the horizon.
     */
    public static Result forecast(SeriesStore store, int sampleSeconds, String name, Map<String, String> labels,
            Duration history, Duration horizon) throws Unforecastable {
        long now = System.currentTimeMillis();
        int resolution = SeriesStore.MINUTE;
        List<SeriesStore.Series> series = store.query(name, labels, now - history.toMillis(), now, SeriesStore.MINUTE,
                SeriesStore.MINUTE);
        if (series.isEmpty() || series.get(0).points().size() < 30) {
            resolution = sampleSeconds;
            series = store.query(name, labels, now - history.toMillis(), now, resolution, resolution);
        }
        if (series.isEmpty()) {
            throw new Unforecastable(404, "no stored series of '" + name + "'" + (labels.isEmpty() ? "" : " with labels "
                    + SeriesStore.encode(labels)));
        }
        if (series.size() > 1) {
            throw new Unforecastable(400, "'" + name + "' has " + series.size() + " series; choose one with labels, e.g. "
                    + SeriesStore.encode(series.get(0).labels()));
        }
        double[] values = filled(series.get(0).points(), resolution);
        if (values.length < 10) {
            throw new Unforecastable(409, "'" + name + "' has " + values.length + " points stored; a forecast needs 10");
        }
        int perDay = 86_400 / resolution;
        HoltWinters.Fit fit = HoltWinters.fit(values, values.length >= 2 * perDay ? perDay : 0);
        int steps = (int) Math.min(10_000, Math.max(1, horizon.getSeconds() / resolution));
        List<SeriesStore.Point> points = series.get(0).points();
        return new Result(series.get(0).labels(), resolution, values.length, points.get(points.size() - 1).at(), fit,
                HoltWinters.forecast(fit, steps, 1.96));
    }

    /** The points as an array of one value per step, a missing step taking the value before it. */
    static double[] filled(List<SeriesStore.Point> points, int resolution) {
        if (points.isEmpty()) {
            return new double[0];
        }
        long step = resolution * 1000L;
        long first = points.get(0).at();
        int n = (int) ((points.get(points.size() - 1).at() - first) / step) + 1;
        double[] values = new double[n];
        int p = 0;
        double current = points.get(0).value();
        for (int i = 0; i < n; i++) {
            long at = first + i * step;
            while (p < points.size() && points.get(p).at() <= at) {
                current = points.get(p).value();
                p++;
            }
            values[i] = current;
        }
        return values;
    }
}
