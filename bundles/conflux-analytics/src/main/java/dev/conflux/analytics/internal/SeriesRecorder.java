package dev.conflux.analytics.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.concurrent.NamedThreads;
import dev.conflux.api.event.ConfluxTopics;
import dev.conflux.api.event.EventProperties;
import dev.conflux.api.store.SchemaMigrator;
import dev.conflux.api.store.StoreException;
import io.micrometer.core.instrument.Counter;

/**
 * Samples every metric into the database at the configured interval, rolls samples up into minutes
 * and minutes into hours, and prunes each resolution after its retention. Every sample also goes
 * through its series' anomaly detector; anomalies are stored and published on EventAdmin. One thread of its own: a
 * slow database delays the next sample, never the engine. Configuration changes apply at once.
 */
@Component(service = {SeriesRecorder.class, EventHandler.class}, immediate = true, configurationPid = AnalyticsConfig.PID,
        property = EventConstants.EVENT_TOPIC + "=" + ConfluxTopics.WORKFLOW_DEFINITION + "UNDEPLOYED")
@Designate(ocd = AnalyticsConfig.class)
public class SeriesRecorder implements EventHandler {

    /** Where each anomaly is published, with the metric, its labels, the value, the expected value and the z-score. */
    public static final String ANOMALY_TOPIC = "conflux/analytics/anomaly";
    private static final Logger LOG = LoggerFactory.getLogger(SeriesRecorder.class);

    private final Metrics metrics;
    private final SeriesStore store;
    private final Sampler sampler = new Sampler();
    private final Anomalies anomalies;
    private final EventAdmin events;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Told of every sample after it is stored, on the recorder's thread: alert rules. */
    @FunctionalInterface
    public interface Listener {
        void sampled(long at, List<SeriesStore.Sample> samples, List<SeriesStore.Anomaly> anomalies);

        /** A workflow was undeployed: drop what is kept about its series (labelled {@code workflow=<id>}). */
        default void forgotten(String workflow) {
        }
    }
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            NamedThreads.single("conflux-analytics-series"));
    private volatile AnalyticsConfig config;
    private ScheduledFuture<?> sampling;
    private ScheduledFuture<?> housekeeping;
    private long rolledMinutesUpTo = -1;
    private long rolledHoursUpTo = -1;
    private boolean failing;
    private long lastSampleAt = Long.MIN_VALUE;

    @Activate
    public SeriesRecorder(@Reference Metrics metrics, @Reference(target = "(dataSourceName=conflux)") DataSource dataSource,
            @Reference SchemaMigrator migrator, @Reference EventAdmin events, AnalyticsConfig config) {
        migrator.migrate("analytics", SeriesRecorder.class.getClassLoader());
        this.metrics = metrics;
        this.events = events;
        this.store = new SeriesStore(dataSource);
        Counter evicted = Metrics.evictions(metrics.registry(), "detector");
        this.anomalies = new Anomalies(evicted::increment);
        sampler.baseline(metrics.registry(), System.currentTimeMillis());
        apply(config);
    }

    @Modified
    synchronized void apply(AnalyticsConfig config) {
        if (config.sampleSeconds() < 1 || config.sampleSeconds() > 59) {
            LOG.warn("sampleSeconds must be between 1 and 59, not {}; keeping {}", config.sampleSeconds(),
                    this.config == null ? 10 : this.config.sampleSeconds());
            if (this.config != null) {
                return;
            }
        }
        this.config = config;
        int every = sampleSeconds();
        thread.execute(() -> anomalies.configure(config.anomalyThreshold(), config.anomalyWarmUpSamples(), every));
        if (sampling != null) {
            sampling.cancel(false);
            housekeeping.cancel(false);
        }
        long now = System.currentTimeMillis();
        // samples fall on whole multiples of the interval, so every series shares its timestamps
        long firstDelay = every * 1000 - now % (every * 1000);
        sampling = thread.scheduleAtFixedRate(this::sampleNow, firstDelay, every * 1000, TimeUnit.MILLISECONDS);
        housekeeping = thread.scheduleAtFixedRate(this::houseKeep, 60_000 - now % 60_000 + 2_000, 60_000, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        thread.shutdownNow();
    }

    /**
     * A workflow was undeployed: its series stop being judged, and alert rules forget them. The
     * collector removes the workflow's meters on its own thread, so a sample taken in between could
     * bring a detector back: it is forgotten again one interval later. Its stored points age out by
     * the retention like any others.
     */
    @Override
    public void handleEvent(Event event) {
        Object workflow = event.getProperty(EventProperties.WORKFLOW_ID);
        if (workflow == null) {
            return;
        }
        String id = workflow.toString();
        try {
            thread.execute(() -> forget(id));
            thread.schedule(() -> forget(id), sampleSeconds(), TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopping) {
            // deactivated: nothing left to forget
        }
    }

    void forget(String workflow) {
        anomalies.forget(workflow);
        for (Listener listener : listeners) {
            try {
                listener.forgotten(workflow);
            } catch (RuntimeException e) {
                LOG.warn("A sample listener failed to forget workflow '{}'", workflow, e);
            }
        }
    }

    /** Detectors kept now, one per series judged. */
    int detectors() {
        return anomalies.size();
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    public void unlisten(Listener listener) {
        listeners.remove(listener);
    }

    /** The highest value the series is forecast to reach within the horizon (over its last six hours), if it can be forecast. */
    public java.util.OptionalDouble peak(String name, Map<String, String> labels, Duration horizon) {
        try {
            Forecasts.Result result = Forecasts.forecast(store, sampleSeconds(), name, labels, Duration.ofHours(6), horizon);
            return java.util.Arrays.stream(result.forecast().mean()).max();
        } catch (Forecasts.Unforecastable | StoreException e) {
            return java.util.OptionalDouble.empty();
        }
    }

    public SeriesStore store() {
        return store;
    }

    public AnalyticsConfig config() {
        return config;
    }

    /** Seconds between samples: the configured interval, kept within 1 to 59 (the finest stored resolution). */
    public int sampleSeconds() {
        return Math.max(1, Math.min(59, config.sampleSeconds()));
    }

    /** Takes a sample now; also used by tests and by the shell. */
    void sampleNow() {
        long every = sampleSeconds() * 1000L;
        long at = System.currentTimeMillis() / every * every;
        if (at <= lastSampleAt) {
            return; // a late run of the timer, or the clock stepped back: this interval has its sample
        }
        lastSampleAt = at;
        List<SeriesStore.Sample> samples = sampler.sample(metrics.registry(), at);
        try {
            store.record(at, (int) (every / 1000), samples);
            recovered();
        } catch (RuntimeException e) {
            failed("store samples", e);
        }
        // detection and alerts go on while the database is away
        try {
            List<SeriesStore.Anomaly> found = anomalies.inspect(at, samples);
            try {
                store.recordAnomalies(found);
            } catch (StoreException e) {
                failed("store anomalies", e);
            }
            for (SeriesStore.Anomaly a : found) {
                Map<String, Object> properties = new HashMap<>();
                properties.put("metric", a.name());
                properties.put("labels", SeriesStore.encode(a.labels()));
                properties.put("value", a.value());
                properties.put("expected", a.expected());
                properties.put("zScore", a.zScore());
                properties.put(EventProperties.TIMESTAMP, a.at());
                events.postEvent(new Event(ANOMALY_TOPIC, properties));
            }
            for (Listener listener : listeners) {
                try {
                    listener.sampled(at, samples, found);
                } catch (RuntimeException e) {
                    LOG.warn("A sample listener failed", e);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Anomaly detection failed for the sample at {}", at, e);
        }
    }

    void houseKeep() {
        long now = System.currentTimeMillis();
        try {
            if (rolledMinutesUpTo < 0) {
                rolledMinutesUpTo = Math.max(store.newest(SeriesStore.MINUTE, SeriesStore.HOUR) + 60_000, now - Duration.ofHours(2).toMillis());
                rolledHoursUpTo = Math.max(store.newest(SeriesStore.HOUR, Integer.MAX_VALUE) + 3_600_000, now - Duration.ofDays(2).toMillis());
            }
            // a minute is rolled up once its last sample is in: a few seconds after it ends
            long minutesEnd = (now - 5_000) / 60_000 * 60_000;
            if (minutesEnd > rolledMinutesUpTo) {
                store.rollUp(0, SeriesStore.MINUTE, SeriesStore.MINUTE, rolledMinutesUpTo, minutesEnd);
                rolledMinutesUpTo = minutesEnd;
            }
            long hoursEnd = minutesEnd / 3_600_000 * 3_600_000;
            if (hoursEnd > rolledHoursUpTo) {
                store.rollUp(SeriesStore.MINUTE, SeriesStore.HOUR, SeriesStore.HOUR, rolledHoursUpTo, hoursEnd);
                rolledHoursUpTo = hoursEnd;
            }
            recovered();
        } catch (RuntimeException e) {
            failed("roll up series", e);
        }
        // pruned even when roll-ups fail, so a failing roll-up cannot fill the database
        try {
            AnalyticsConfig c = config;
            store.prune(0, SeriesStore.MINUTE, now - Duration.ofHours(Math.max(1, c.keepSamplesHours())).toMillis());
            store.prune(SeriesStore.MINUTE, SeriesStore.HOUR, now - Duration.ofDays(Math.max(1, c.keepMinutesDays())).toMillis());
            store.prune(SeriesStore.HOUR, Integer.MAX_VALUE, now - Duration.ofDays(Math.max(1, c.keepHoursDays())).toMillis());
            store.pruneAnomalies(now - Duration.ofDays(Math.max(1, c.keepAnomaliesDays())).toMillis());
        } catch (RuntimeException e) {
            failed("prune series", e);
        }
    }

    private void failed(String what, Exception e) {
        if (!failing) {
            failing = true;
            LOG.warn("Analytics could not {}; retrying at the next interval: {}", what, e.toString());
        } else {
            LOG.debug("Analytics could not {}", what, e);
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("Analytics stores its series again");
        }
    }
}
