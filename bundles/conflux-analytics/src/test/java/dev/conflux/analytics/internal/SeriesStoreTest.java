package dev.conflux.analytics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.List;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.conflux.store.internal.FlywaySchemaMigrator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

public class SeriesStoreTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private SeriesStore store;
    private final long t0 = 1_800_000_000_000L; // a whole hour

    @Before
    public void setUp() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:" + new File(folder.getRoot(), "db").getAbsolutePath() + ";DB_CLOSE_DELAY=-1");
        new FlywaySchemaMigrator(dataSource).migrate("analytics", SeriesStoreTest.class.getClassLoader());
        store = new SeriesStore(dataSource);
    }

    @Test
    public void samplesRollUpIntoMinutesAndHoursWithMeanMinAndMax() throws Exception {
        // two hours of 10 s samples of a gauge that climbs by one each sample, for two label sets
        for (int i = 0; i < 720; i++) {
            store.record(t0 + i * 10_000L, 10, List.of(
                    new SeriesStore.Sample("conflux.queue", Map.of("pool", "a"), i),
                    new SeriesStore.Sample("conflux.queue", Map.of("pool", "b"), 1000)));
        }
        assertEquals(240, store.rollUp(0, 60, 60, t0, t0 + 7_200_000));
        assertEquals("idempotent", 240, store.rollUp(0, 60, 60, t0, t0 + 7_200_000));
        assertEquals(4, store.rollUp(60, 3600, 3600, t0, t0 + 7_200_000));

        List<SeriesStore.Series> minutes = store.query("conflux.queue", Map.of("pool", "a"), t0, t0 + 7_200_000, 60, 60);
        assertEquals(1, minutes.size());
        SeriesStore.Point first = minutes.get(0).points().get(0);
        assertEquals(t0, first.at());
        assertEquals(2.5, first.value(), 1e-9); // mean of 0..5
        assertEquals(0, first.min(), 0);
        assertEquals(5, first.max(), 0);
        assertEquals(120, minutes.get(0).points().size());

        SeriesStore.Point hour = store.query("conflux.queue", Map.of("pool", "a"), t0, t0 + 7_200_000, 3600, 3600)
                .get(0).points().get(1);
        assertEquals(t0 + 3_600_000, hour.at());
        assertEquals(539.5, hour.value(), 1e-9); // mean of 360..719
        assertEquals(719, hour.max(), 0);

        List<SeriesStore.Series> both = store.query("conflux.queue", Map.of(), t0, t0 + 60_000, 10, 30);
        assertEquals(2, both.size());
        assertEquals("steps wider than the resolution are means", 1.0, both.get(0).points().get(0).value(), 1e-9);
        assertEquals(2, both.get(0).points().size());
    }

    @Test
    public void pruningRemovesOnlyTheOldPointsOfOneResolution() throws Exception {
        for (int i = 0; i < 12; i++) {
            store.record(t0 + i * 10_000L, 10, List.of(new SeriesStore.Sample("m", Map.of(), i)));
        }
        store.rollUp(0, 60, 60, t0, t0 + 120_000);
        assertEquals(6, store.prune(0, 60, t0 + 60_000));
        assertEquals(6, store.query("m", Map.of(), t0, t0 + 120_000, 10, 10).get(0).points().size());
        assertEquals(2, store.query("m", Map.of(), t0, t0 + 120_000, 60, 60).get(0).points().size());
        assertEquals(t0 + 110_000, store.newest(0, 60));
    }

    @Test
    public void labelsSurviveCommasAndEqualsSigns() {
        Map<String, String> labels = Map.of("route", "/a,b=c", "method", "GET", "path", "x\\y");
        String encoded = SeriesStore.encode(labels);
        assertTrue(encoded, encoded.startsWith("method=GET,"));
        assertEquals(labels, SeriesStore.decode(encoded));
    }

    @Test
    public void countersBecomeRatesAndTimersRateMeanAndMax() {
        PrometheusMeterRegistry registry = Metrics.create();
        Counter runs = registry.counter("conflux.runs.started", "workflow", "orders");
        Timer step = registry.timer("conflux.step.duration", "step", "fetch");
        Sampler sampler = new Sampler();
        runs.increment(5);
        sampler.sample(registry, t0);
        runs.increment(20);
        step.record(java.time.Duration.ofMillis(100));
        step.record(java.time.Duration.ofMillis(300));
        List<SeriesStore.Sample> samples = sampler.sample(registry, t0 + 10_000);
        assertEquals(2.0, value(samples, "conflux.runs.started"), 1e-9); // 20 in 10 s
        assertEquals(0.2, value(samples, "conflux.step.duration.rate"), 1e-9);
        assertEquals(0.2, value(samples, "conflux.step.duration.mean"), 1e-9);
        assertEquals(0.3, value(samples, "conflux.step.duration.max"), 1e-9);
        registry.counter("conflux.runs.started", "workflow", "late").increment(4); // appears between samples
        assertEquals(0.4, value(sampler.sample(registry, t0 + 20_000), "conflux.runs.started", "late"), 1e-9);
    }

    @Test
    public void countsBeforeTheFirstSampleAreNotLost() {
        PrometheusMeterRegistry registry = Metrics.create();
        Counter before = registry.counter("conflux.events", "topic", "old");
        before.increment(100); // counted before analytics started: not part of any interval
        Sampler sampler = new Sampler();
        sampler.baseline(registry, t0);
        before.increment(10);
        registry.counter("conflux.runs.started", "workflow", "early").increment(3); // made after the start
        List<SeriesStore.Sample> first = sampler.sample(registry, t0 + 10_000);
        assertEquals(1.0, value(first, "conflux.events"), 1e-9);
        assertEquals(0.3, value(first, "conflux.runs.started", "early"), 1e-9);
    }

    private static double value(List<SeriesStore.Sample> samples, String name, String... workflow) {
        return samples.stream().filter(s -> s.name().equals(name)
                && (workflow.length == 0 || workflow[0].equals(s.labels().get("workflow")))).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + " in " + samples)).value();
    }
}
