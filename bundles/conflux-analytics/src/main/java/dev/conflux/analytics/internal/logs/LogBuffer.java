package dev.conflux.analytics.internal.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.ops4j.pax.logging.spi.PaxAppender;
import org.ops4j.pax.logging.spi.PaxLoggingEvent;
import org.osgi.service.component.annotations.Component;

/**
 * The container's recent log records, kept in memory for {@code GET /api/v1/logs}: a Pax Logging
 * appender (Karaf's logging configuration sends every record to OSGi appenders) writing into a ring
 * of the last {@value #CAPACITY} records, and at most {@value #BUDGET} characters of messages and
 * stack traces. Appending never blocks for long and never fails the logger.
 */
@Component(service = {PaxAppender.class, LogBuffer.class}, property = "org.ops4j.pax.logging.appender.name=ConfluxLogBuffer")
public class LogBuffer implements PaxAppender {

    public static final int CAPACITY = 10_000;
    static final int MAX_MESSAGE = 8_000;
    /** Characters kept in all, messages and traces together: the oldest records go first past it (about 16 MB). */
    static final long BUDGET = 8_000_000;

    /** One record; {@code thrown} is the first lines of the stack trace, if any. */
    public record Entry(long seq, Instant at, String level, String logger, String thread, String message, String thrown) {
    }

    /** What to find: the least severe level to include, a logger prefix, a time range, a text, newest first. */
    public record Query(String level, String logger, Instant from, Instant to, String text, int limit) {
    }

    public static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    private final Entry[] ring = new Entry[CAPACITY];
    private long next;
    private long first;
    private long characters;
    private final long budget;

    public LogBuffer() {
        this(BUDGET);
    }

    LogBuffer(long budget) {
        this.budget = budget;
    }

    @Override
    public void doAppend(PaxLoggingEvent event) {
        String[] thrown = event.getThrowableStrRep();
        String trace = null;
        if (thrown != null && thrown.length > 0) {
            trace = String.join("\n", java.util.Arrays.copyOf(thrown, Math.min(thrown.length, 12)));
        }
        append(Instant.ofEpochMilli(event.getTimeStamp()), level(event), event.getLoggerName(), event.getThreadName(),
                event.getRenderedMessage(), trace);
    }

    public synchronized void append(Instant at, String level, String logger, String thread, String message, String thrown) {
        int slot = (int) (next % CAPACITY);
        if (next - first >= CAPACITY) {
            characters -= size(ring[slot]);
            first = next - CAPACITY + 1;
        }
        Entry entry = new Entry(next, at, level, logger, thread, cut(message), cut(thrown));
        ring[slot] = entry;
        characters += size(entry);
        next++;
        while (characters > budget && first < next - 1) {
            int oldest = (int) (first % CAPACITY);
            characters -= size(ring[oldest]);
            ring[oldest] = null;
            first++;
        }
    }

    private static long size(Entry e) {
        return e == null ? 0 : (e.message() == null ? 0 : e.message().length()) + (e.thrown() == null ? 0 : e.thrown().length());
    }

    public List<Entry> find(Query q) {
        int wanted = q.level() == null ? LEVELS.size() - 1 : LEVELS.indexOf(q.level().toUpperCase(Locale.ROOT));
        if (wanted < 0) {
            throw new IllegalArgumentException("level must be one of " + LEVELS + ", not '" + q.level() + "'");
        }
        String text = q.text() == null || q.text().isBlank() ? null : q.text().toLowerCase(Locale.ROOT);
        List<Entry> found = new ArrayList<>();
        Entry[] snapshot;
        long last;
        long oldest;
        synchronized (this) {
            snapshot = ring.clone();
            last = next;
            oldest = first;
        }
        for (long seq = last - 1; seq >= Math.max(oldest, last - CAPACITY) && found.size() < q.limit(); seq--) {
            Entry e = snapshot[(int) (seq % CAPACITY)];
            if (e == null || e.seq() != seq) {
                continue;
            }
            int severity = LEVELS.indexOf(e.level());
            if (severity > wanted
                    || (q.logger() != null && (e.logger() == null || !e.logger().startsWith(q.logger())))
                    || (q.from() != null && e.at().isBefore(q.from()))
                    || (q.to() != null && !e.at().isBefore(q.to()))
                    || (text != null && !contains(e, text))) {
                continue;
            }
            found.add(e);
        }
        return found;
    }

    private static boolean contains(Entry e, String text) {
        return (e.message() != null && e.message().toLowerCase(Locale.ROOT).contains(text))
                || (e.logger() != null && e.logger().toLowerCase(Locale.ROOT).contains(text))
                || (e.thrown() != null && e.thrown().toLowerCase(Locale.ROOT).contains(text));
    }

    private static String level(PaxLoggingEvent event) {
        String name = String.valueOf(event.getLevel()).toUpperCase(Locale.ROOT);
        if (LEVELS.contains(name)) {
            return name;
        }
        int syslog = event.getLevel() == null ? 6 : event.getLevel().getSyslogEquivalent();
        return syslog <= 3 ? "ERROR" : syslog == 4 ? "WARN" : syslog <= 6 ? "INFO" : "DEBUG";
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
    }
}
