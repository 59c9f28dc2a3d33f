package dev.conflux.analytics.internal;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

public class AnomaliesTest {

    private final AtomicInteger evicted = new AtomicInteger();
    private final Anomalies anomalies = new Anomalies(evicted::incrementAndGet);

    @Test
    public void anUndeployedWorkflowsSeriesLoseTheirDetectors() {
        anomalies.configure(4, 30, 10);
        anomalies.inspect(0, List.of(new SeriesStore.Sample("conflux.runs.started", Map.of("workflow", "orders"), 1),
                new SeriesStore.Sample("conflux.step.duration.mean", Map.of("workflow", "orders", "step", "fetch"), 1),
                new SeriesStore.Sample("conflux.runs.started", Map.of("workflow", "billing"), 1),
                new SeriesStore.Sample("conflux.jvm.memory.used", Map.of("area", "heap"), 1)));
        assertEquals(4, anomalies.size());
        anomalies.forget("orders");
        assertEquals(2, anomalies.size());
        assertEquals(0, evicted.get());
    }

    @Test
    public void aFloodOfSeriesKeepsAtMostTheBoundAndCountsWhatItDrops() {
        anomalies.configure(4, 30, 10);
        List<SeriesStore.Sample> flood = new ArrayList<>();
        for (int i = 0; i < Anomalies.MAX_SERIES + 25; i++) {
            flood.add(new SeriesStore.Sample("conflux.runs.started", Map.of("workflow", "w" + i), 1));
        }
        anomalies.inspect(0, flood);
        assertEquals(Anomalies.MAX_SERIES, anomalies.size());
        assertEquals(25, evicted.get());
    }
}
