package dev.conflux.benchmarks;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Conflux's workflow engine against Camunda 7 embedded, in one JVM with one heap, on H2 file
 * databases: a 3-step workflow of no-op steps, every step durable (Conflux commits every
 * transition with WRITE_DELAY=0; Camunda runs each service task as an asyncBefore job, on a
 * database with the same setting), started N times at concurrency 8, 32 and 128.
 */
public final class EngineBenchmark {

    static final int[] CONCURRENCY = {8, 32, 128};

    /** The JIT compiler's time per wall-clock time below which a warm-up pass counts as quiet. */
    private static final double QUIET_JIT = 0.10;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path work = Files.createTempDirectory("conflux-bench");
        try {
            run(runs, work);
        } finally {
            delete(work);
        }
        System.exit(0);
    }

    private static void run(int runs, Path work) throws Exception {
        System.out.printf(Locale.ROOT, "Engine benchmark: %d runs per concurrency, heap %d MiB, %d cores%n", runs,
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        boolean analytics = !Boolean.getBoolean("bench.skipAnalytics");
        boolean camunda7 = !Boolean.getBoolean("bench.skipCamunda");
        int[] levels = System.getProperty("bench.concurrency", "").isBlank() ? CONCURRENCY
                : Arrays.stream(System.getProperty("bench.concurrency").split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        warmUp(work, Integer.getInteger("bench.warmupRuns", runs), levels, analytics, camunda7);
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<String> ratios = new ArrayList<>();
        for (int concurrency : levels) {
            // each round measures both engines; the order flips from round to round so that drift on a shared machine
            // falls on both, and the medians are reported. Conflux runs twice a round, without and with the analytics
            // collector listening, in alternating order too
            List<ConfluxSide.Result> without = new ArrayList<>();
            List<Double> with = new ArrayList<>();
            List<Double> pairRatios = new ArrayList<>();
            List<Double> cpuShares = new ArrayList<>();
            List<Double> camundaDurable = new ArrayList<>();
            List<Double> camundaDelayed = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Path folder = work.resolve(concurrency + "-" + round);
                boolean confluxFirst = round % 2 == 0;
                if (camunda7 && !confluxFirst) {
                    camundaDurable.add(camunda(folder.resolve("camunda"), runs, concurrency, true));
                    camundaDelayed.add(camunda(folder.resolve("camunda-delayed"), runs, concurrency, false));
                }
                boolean withFirst = analytics && round % 2 == 1;
                ConfluxSide.Result a = conflux(folder.resolve("a"), runs, concurrency, withFirst);
                ConfluxSide.Result b = analytics ? conflux(folder.resolve("b"), runs, concurrency, !withFirst) : null;
                ConfluxSide.Result plain = withFirst ? b : a;
                ConfluxSide.Result observed = withFirst ? a : b;
                without.add(plain);
                if (observed != null) {
                    with.add(observed.perSecond());
                    cpuShares.add(observed.analyticsCpuShare());
                    pairRatios.add(observed.perSecond() / plain.perSecond());
                }
                if (camunda7 && confluxFirst) {
                    camundaDelayed.add(camunda(folder.resolve("camunda-delayed"), runs, concurrency, false));
                    camundaDurable.add(camunda(folder.resolve("camunda"), runs, concurrency, true));
                }
            }
            without.sort(Comparator.comparingDouble(ConfluxSide.Result::perSecond));
            ConfluxSide.Result conflux = without.get(without.size() / 2);
            double camunda = median(camundaDurable);
            double camundaAtDefault = median(camundaDelayed);
            System.out.printf(Locale.ROOT, "concurrency %3d: conflux %8.1f runs/s (step overhead p50 %.2f ms, p99 %.2f ms) | "
                    + "camunda7 %8.1f instances/s (%8.1f at H2's default write delay)%n", concurrency, conflux.perSecond(),
                    conflux.p50Millis(), conflux.p99Millis(), camunda, camundaAtDefault);
            if (analytics) {
                System.out.printf(Locale.ROOT, "concurrency %3d: conflux with analytics %8.1f runs/s (medians of %d pairs); "
                        + "the collector used %.1f %% of the process's CPU%n", concurrency, median(with), rounds,
                        median(cpuShares) * 100);
            }
            ratios.add(String.format(Locale.ROOT, "ratio conflux/camunda7 runs/s at concurrency %d: %.2f", concurrency,
                    conflux.perSecond() / camunda));
            ratios.add(String.format(Locale.ROOT, "ratio conflux/camunda7 runs/s at concurrency %d, Camunda at H2's default "
                    + "write delay (not durable at commit): %.2f", concurrency, conflux.perSecond() / camundaAtDefault));
            if (analytics) {
                ratios.add(String.format(Locale.ROOT, "ratio with/without analytics runs/s at concurrency %d: %.2f (median of %s)",
                        concurrency, median(pairRatios), pairRatios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList()));
            }
        }
        ratios.forEach(System.out::println);
    }

    /**
     * Runs unmeasured passes of both engines, at each concurrency in turn, until the JIT compiler is
     * quiet or {@code bench.warmupSeconds} (default 40) have passed: while it still compiles it takes
     * up to half of the two cores from whatever is measured, which used to be Conflux at concurrency
     * 8 (measured first, after one short pass) more than Camunda (measured later).
     */
    private static void warmUp(Path work, int runs, int[] levels, boolean analytics, boolean camunda7) throws Exception {
        if (runs <= 0) {
            return;
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long limit = System.nanoTime() + Integer.getInteger("bench.warmupSeconds", 40) * 1_000_000_000L;
        long started = System.nanoTime();
        double busy = Double.NaN;
        int pass = 0;
        do {
            int concurrency = levels[pass % levels.length];
            pass++;
            long compiling = jit.getTotalCompilationTime();
            long start = System.nanoTime();
            Path folder = work.resolve("warmup-" + pass);
            conflux(folder.resolve("conflux"), runs, concurrency, analytics);
            if (camunda7) {
                camunda(folder.resolve("camunda"), runs, concurrency, true);
            }
            busy = (jit.getTotalCompilationTime() - compiling) / ((System.nanoTime() - start) / 1e6);
        } while (pass < levels.length || busy >= QUIET_JIT && System.nanoTime() < limit);
        System.out.printf(Locale.ROOT, "warm-up: %d passes of %d runs per engine in %.0f s; the JIT compiler was busy %.0f %% "
                + "of the last one%n", pass, runs, (System.nanoTime() - started) / 1e9, busy * 100);
    }

    private static ConfluxSide.Result conflux(Path folder, int runs, int concurrency, boolean analytics) throws Exception {
        try {
            return ConfluxSide.measure(folder, runs, concurrency, analytics);
        } finally {
            delete(folder);
        }
    }

    private static double camunda(Path folder, int runs, int concurrency, boolean durable) throws Exception {
        try {
            return CamundaSide.measure(folder, runs, concurrency, durable).perSecond();
        } finally {
            delete(folder);
        }
    }

    /** Deletes a measurement's database files once it is done: a run of the benchmark leaves nothing behind. */
    static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
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
