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
        for (int concurrency : CONCURRENCY) {
            ConfluxSide.Result conflux = ConfluxSide.measure(work.resolve("conflux-" + concurrency), runs, concurrency, false);
            ConfluxSide.Result observed = analytics
                    ? ConfluxSide.measure(work.resolve("conflux-analytics-" + concurrency), runs, concurrency, true)
                    : new ConfluxSide.Result(Double.NaN, Double.NaN, Double.NaN);
            CamundaSide.Result camunda = Boolean.getBoolean("bench.skipCamunda") ? new CamundaSide.Result(Double.NaN)
                    : CamundaSide.measure(work.resolve("camunda-" + concurrency), runs, concurrency);
            System.out.printf(Locale.ROOT, "concurrency %3d: conflux %8.1f runs/s (step overhead p50 %.2f ms, p99 %.2f ms) | "
                    + "camunda7 %8.1f instances/s%n", concurrency, conflux.perSecond(), conflux.p50Millis(), conflux.p99Millis(),
                    camunda.perSecond());
            System.out.printf(Locale.ROOT, "concurrency %3d: conflux with analytics %8.1f runs/s%n", concurrency,
                    observed.perSecond());
            ratios.add(String.format(Locale.ROOT, "ratio conflux/camunda7 runs/s at concurrency %d: %.2f", concurrency,
                    conflux.perSecond() / camunda.perSecond()));
            ratios.add(String.format(Locale.ROOT, "ratio with/without analytics runs/s at concurrency %d: %.2f", concurrency,
                    observed.perSecond() / conflux.perSecond()));
        }
        ratios.forEach(System.out::println);
        System.exit(0);
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
