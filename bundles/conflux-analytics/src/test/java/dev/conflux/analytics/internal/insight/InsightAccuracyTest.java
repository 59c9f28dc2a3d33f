package dev.conflux.analytics.internal.insight;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.Test;

/** Accuracy measured on generated series with a known truth: seasons, trends, noise and injected spikes. */
public class InsightAccuracyTest {

    private static final int DAY = 144; // a day of 10-minute points

    private static double[] seasonal(int n, long seed, double noise) {
        Random random = new Random(seed);
        double[] y = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = 200 + 0.02 * t + 40 * Math.sin(2 * Math.PI * t / DAY) + 10 * Math.cos(4 * Math.PI * t / DAY)
                    + noise * random.nextGaussian();
        }
        return y;
    }

    @Test
    public void seasonalForecastsHaveAMapeOfAtMostTenPercent() {
        double worst = 0;
        for (long seed = 1; seed <= 5; seed++) {
            double[] all = seasonal(DAY * 9, seed, 4);
            double[] history = java.util.Arrays.copyOf(all, DAY * 8);
            double[] future = java.util.Arrays.copyOfRange(all, DAY * 8, DAY * 9);
            HoltWinters.Fit fit = HoltWinters.fit(history, DAY);
            HoltWinters.Forecast forecast = HoltWinters.forecast(fit, DAY, 1.96);
            double mape = HoltWinters.mape(future, forecast.mean());
            assertTrue("seed " + seed + ": MAPE " + mape, mape <= 0.10);
            worst = Math.max(worst, mape);
            int inside = 0;
            for (int i = 0; i < future.length; i++) {
                if (future[i] >= forecast.lower()[i] && future[i] <= forecast.upper()[i]) {
                    inside++;
                }
            }
            assertTrue("seed " + seed + ": the 95 % interval holds " + inside + " of " + future.length,
                    inside >= 0.85 * future.length);
        }
        System.out.printf(java.util.Locale.ROOT, "Holt-Winters, a day ahead after 8 days, 5 series: worst MAPE %.1f %%%n", worst * 100);
    }

    @Test
    public void withoutASeasonTheTrendIsFollowed() {
        Random random = new Random(7);
        double[] y = new double[300];
        for (int t = 0; t < y.length; t++) {
            y[t] = 50 + 0.5 * t + random.nextGaussian();
        }
        HoltWinters.Fit fit = HoltWinters.fit(java.util.Arrays.copyOf(y, 250), 0);
        double[] mean = HoltWinters.forecast(fit, 50, 1.96).mean();
        assertTrue(HoltWinters.mape(java.util.Arrays.copyOfRange(y, 250, 300), mean) < 0.02);
        assertEquals(0, fit.period());
    }

    @Test
    public void injectedSpikesAreFoundWithPrecisionAndRecallOfAtLeastNinetyPercent() {
        double worstPrecision = 1;
        double worstRecall = 1;
        for (long seed = 1; seed <= 5; seed++) {
            double noise = 3;
            double[] y = seasonal(DAY * 14, seed, noise);
            Random random = new Random(seed * 31);
            Set<Integer> injected = new HashSet<>();
            while (injected.size() < 40) {
                int at = DAY * 3 + random.nextInt(y.length - DAY * 3);
                if (injected.add(at)) {
                    y[at] += (random.nextBoolean() ? 1 : -1) * noise * (8 + 4 * random.nextDouble());
                }
            }
            AnomalyDetector detector = new AnomalyDetector(0.05, 4, 30, DAY, DAY);
            int truePositives = 0;
            int falsePositives = 0;
            for (int t = 0; t < y.length; t++) {
                AnomalyDetector.Verdict verdict = detector.next(y[t]);
                if (verdict.anomalous()) {
                    if (injected.contains(t)) {
                        truePositives++;
                    } else {
                        falsePositives++;
                    }
                }
            }
            double precision = (double) truePositives / Math.max(1, truePositives + falsePositives);
            double recall = (double) truePositives / injected.size();
            assertTrue("seed " + seed + ": precision " + precision + " (" + falsePositives + " false)", precision >= 0.9);
            assertTrue("seed " + seed + ": recall " + recall, recall >= 0.9);
            worstPrecision = Math.min(worstPrecision, precision);
            worstRecall = Math.min(worstRecall, recall);
        }
        System.out.printf(java.util.Locale.ROOT, "Anomalies, 40 spikes of 8-12 sigma in 14 seasonal days, 5 series: "
                + "worst precision %.3f, worst recall %.3f%n", worstPrecision, worstRecall);
    }

    @Test
    public void aDailyPeakIsNotAnAnomalyButTheSameValueAtNightIs() {
        AnomalyDetector detector = new AnomalyDetector(0.05, 4, 30, DAY, DAY);
        Random random = new Random(3);
        double[] y = seasonal(DAY * 6, 3, 1);
        for (double v : y) {
            detector.next(v);
        }
        // the series' peak comes at a quarter of the day; now, at the start of the next day, it is low
        double peak = 200 + 0.02 * y.length + 50;
        assertTrue(detector.next(peak + random.nextGaussian()).anomalous());
    }

    @Test
    public void aRateThatSitsAtZeroIsNotAnAnomalyForOneEventButIsForABurst() {
        AnomalyDetector detector = new AnomalyDetector(0.05, 4, 30, 0, 1, 0.1); // 10 s samples: one event is 0.1/s
        for (int i = 0; i < 100; i++) {
            detector.next(0);
        }
        assertTrue(!detector.next(0.1).anomalous());
        assertTrue(detector.next(5).anomalous());
    }

    @Test
    public void correlationFindsTheLeadingSeriesAndItsLag() {
        Random random = new Random(11);
        double[] cause = new double[500];
        double[] effect = new double[500];
        double[] unrelated = new double[500];
        for (int i = 0; i < cause.length; i++) {
            cause[i] = random.nextGaussian() * 10;
            unrelated[i] = random.nextGaussian() * 10;
        }
        for (int i = 0; i < effect.length; i++) {
            effect[i] = (i >= 3 ? 2 * cause[i - 3] : 0) + random.nextGaussian();
        }
        Correlation.Lagged lagged = Correlation.best(effect, cause, 10);
        assertEquals(3, lagged.lag());
        assertTrue("r " + lagged.r(), lagged.r() > 0.95);
        assertTrue(Math.abs(Correlation.best(effect, unrelated, 10).r()) < 0.2);
        assertTrue("flat series have no correlation", Double.isNaN(Correlation.pearson(effect, new double[500], 0)));
    }
}
