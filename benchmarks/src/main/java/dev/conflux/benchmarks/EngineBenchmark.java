package dev.conflux.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Conflux's workflow engine against Camunda 7 embedded, in one JVM with one heap, on H2 file
 * databases: a 3-step workflow of no-op steps, every step durable (Conflux commits every
 * transition with WRITE_DELAY=0; Camunda runs each service task as an asyncBefore job), started N
 * times at concurrency 8, 32 and 128.
 */
public final class EngineBenchmark {

    static final int[] CONCURRENCY = {8, 32, 128};

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path work = Files.createTempDirectory("conflux-bench");
        System.out.printf(Locale.ROOT, "Engine benchmark: %d runs per concurrency, heap %d MiB, %d cores%n", runs,
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        List<String> ratios = new ArrayList<>();
        boolean analytics = !Boolean.getBoolean("bench.skipAnalytics");
        boolean camunda7 = !Boolean.getBoolean("bench.skipCamunda");
        // one unmeasured pass of each engine first: the JIT compiler otherwise takes up to half of the two cores during
        // whatever is measured first (concurrency 8), and code both engines share (H2, Jackson) warms for the second
        int warmup = Integer.getInteger("bench.warmupRuns", runs);
        if (warmup > 0) {
            ConfluxSide.measure(work.resolve("warmup-conflux"), warmup, 32, analytics);
            if (camunda7) {
                CamundaSide.measure(work.resolve("warmup-camunda"), warmup, 32);
            }
        }
        int[] levels = System.getProperty("bench.concurrency", "").isBlank() ? CONCURRENCY
                : Arrays.stream(System.getProperty("bench.concurrency").split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        for (int concurrency : levels) {
            // rounds of pairs without and with analytics, in alternating order, so JIT warm-up and drift on a
            // shared machine fall on both; the medians are reported
            int rounds = Integer.getInteger("bench.rounds", 3);
            List<ConfluxSide.Result> without = new ArrayList<>();
            List<Double> with = new ArrayList<>();
            List<Double> pairRatios = new ArrayList<>();
            List<Double> cpuShares = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                boolean withFirst = analytics && round % 2 == 1;
                Path folder = work.resolve("conflux-" + concurrency + "-" + round);
                ConfluxSide.Result a = ConfluxSide.measure(folder.resolve("a"), runs, concurrency, withFirst);
                ConfluxSide.Result b = analytics
                        ? ConfluxSide.measure(folder.resolve("b"), runs, concurrency, !withFirst) : null;
                ConfluxSide.Result plain = withFirst ? b : a;
                ConfluxSide.Result observedRound = withFirst ? a : b;
                without.add(plain);
                if (observedRound != null) {
                    with.add(observedRound.perSecond());
                    cpuShares.add(observedRound.analyticsCpuShare());
                    pairRatios.add(observedRound.perSecond() / plain.perSecond());
                }
            }
            without.sort(java.util.Comparator.comparingDouble(ConfluxSide.Result::perSecond));
            ConfluxSide.Result conflux = without.get(without.size() / 2);
            ConfluxSide.Result observed = new ConfluxSide.Result(median(with), Double.NaN, Double.NaN, median(cpuShares));
            double analyticsRatio = median(pairRatios);
            // Camunda gets as many rounds, so both engines are equally warm; its median is reported
            List<Double> camundaRounds = new ArrayList<>();
            for (int round = 0; round < rounds && camunda7; round++) {
                camundaRounds.add(CamundaSide.measure(work.resolve("camunda-" + concurrency + "-" + round), runs, concurrency)
                        .perSecond());
            }
            CamundaSide.Result camunda = new CamundaSide.Result(median(camundaRounds));
            System.out.printf(Locale.ROOT, "concurrency %3d: conflux %8.1f runs/s (step overhead p50 %.2f ms, p99 %.2f ms) | "
                    + "camunda7 %8.1f instances/s%n", concurrency, conflux.perSecond(), conflux.p50Millis(), conflux.p99Millis(),
                    camunda.perSecond());
            if (analytics) {
                System.out.printf(Locale.ROOT, "concurrency %3d: conflux with analytics %8.1f runs/s (medians of %d pairs); "
                        + "the collector used %.1f %% of the process's CPU%n", concurrency, observed.perSecond(), rounds,
                        observed.analyticsCpuShare() * 100);
            }
            ratios.add(String.format(Locale.ROOT, "ratio conflux/camunda7 runs/s at concurrency %d: %.2f", concurrency,
                    conflux.perSecond() / camunda.perSecond()));
            if (analytics) {
                ratios.add(String.format(Locale.ROOT, "ratio with/without analytics runs/s at concurrency %d: %.2f (median of %s)",
                        concurrency, analyticsRatio, pairRatios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList()));
            }
        }
        ratios.forEach(System.out::println);
        System.exit(0);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** The value at a quantile of sorted nanosecond samples, in milliseconds. */
    static double quantileMillis(long[] samples, double q) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1_000_000.0;
    }
}
