package dev.conflux.analytics.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import dev.conflux.api.store.Jdbc;

/**
 * Time series in the Conflux database: samples at the configured interval, rolled up into 1 minute
 * and 1 hour points (mean, min, max), each resolution pruned after its retention.
 */
public final class SeriesStore {

    public static final int MINUTE = 60;
    public static final int HOUR = 3600;
    static final int MAX_CACHED_IDS = 50_000;

    /** One value of one series at one moment. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A point of a series: the start of its interval and the mean, min and max over it. */
    public record Point(long at, double value, double min, double max) {
    }

    public record Series(String name, Map<String, String> labels, List<Point> points) {
    }

    /** An unusual value of a series. */
    public record Anomaly(long at, String name, Map<String, String> labels, double value, double expected, double zScore) {
    }

    private final Jdbc jdbc;
    /** Series ids by name and labels: a cache of the table, at most {@value #MAX_CACHED_IDS} of them. */
    private final Map<String, Long> ids = Collections.synchronizedMap(new LruMap<>(MAX_CACHED_IDS, (key, id) -> { }));

    public SeriesStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource, "the analytics store");
    }

    /** Stores samples taken at {@code atMillis}, at the given resolution (seconds). */
    public void record(long atMillis, int resolution, List<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        try {
            jdbc.inTransaction(c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO an_point (series_id, resolution, at_ms, mean_value, "
                        + "min_value, max_value, samples) VALUES (?, ?, ?, ?, ?, ?, 1)")) {
                    for (Sample s : samples) {
                        insert.setLong(1, seriesId(c, s.name(), encode(s.labels())));
                        insert.setInt(2, resolution);
                        insert.setLong(3, atMillis);
                        insert.setDouble(4, s.value());
                        insert.setDouble(5, s.value());
                        insert.setDouble(6, s.value());
                        insert.addBatch();
                    }
                    return insert.executeBatch();
                }
            });
        } catch (RuntimeException e) {
            ids.clear(); // series rows made in this transaction are gone with it
            throw e;
        }
    }

    /**
     * Rolls the points of resolutions in [fromAtLeast, fromBelow) up into {@code to} resolution,
     * for every whole interval in [startMillis, endMillis). Idempotent: an interval rolled up again
     * replaces its points.
     */
    public int rollUp(int fromAtLeast, int fromBelow, int to, long startMillis, long endMillis) {
        long width = to * 1000L;
        long start = Math.floorDiv(startMillis, width) * width;
        long end = Math.floorDiv(endMillis, width) * width;
        if (end <= start) {
            return 0;
        }
        // the bucket width is a number of ours, written into the SQL so both mentions are the same expression
        String bucket = "(at_ms / " + width + ") * " + width;
        return jdbc.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM an_point WHERE resolution = ? AND at_ms >= ? AND at_ms < ?", delete -> {
                delete.setInt(1, to);
                delete.setLong(2, start);
                delete.setLong(3, end);
            });
            return Jdbc.update(c, "INSERT INTO an_point (series_id, resolution, at_ms, mean_value, "
                    + "min_value, max_value, samples) SELECT series_id, ?, " + bucket + ", "
                    + "SUM(mean_value * samples) / SUM(samples), MIN(min_value), MAX(max_value), SUM(samples) "
                    + "FROM an_point WHERE resolution >= ? AND resolution < ? AND at_ms >= ? AND at_ms < ? GROUP BY series_id, " + bucket,
                    roll -> {
                        roll.setInt(1, to);
                        roll.setInt(2, fromAtLeast);
                        roll.setInt(3, fromBelow);
                        roll.setLong(4, start);
                        roll.setLong(5, end);
                    });
        });
    }

    /** The newest point of a resolution (any below {@code below} for samples), or -1. */
    public long newest(int atLeast, int below) {
        return jdbc.query("SELECT MAX(at_ms) FROM an_point WHERE resolution >= ? AND resolution < ?", s -> {
            s.setInt(1, atLeast);
            s.setInt(2, below);
        }, rs -> {
            rs.next();
            long newest = rs.getLong(1);
            return rs.wasNull() ? -1 : newest;
        });
    }

    /** Deletes the points of resolutions in [atLeast, below) older than the cutoff. */
    public int prune(int atLeast, int below, long beforeMillis) {
        return jdbc.update("DELETE FROM an_point WHERE resolution >= ? AND resolution < ? AND at_ms < ?", s -> {
            s.setInt(1, atLeast);
            s.setInt(2, below);
            s.setLong(3, beforeMillis);
        });
    }

    /** Every stored series name. */
    public List<String> names() {
        return jdbc.list("SELECT DISTINCT name FROM an_series ORDER BY name", Jdbc.Binder.NONE, rs -> rs.getString(1));
    }

    /**
     * The series of a name whose labels include the given ones, as points of {@code stepSeconds}
     * (the mean of the stored points in each step), read from the given resolution.
     */
    public List<Series> query(String name, Map<String, String> labels, long fromMillis, long toMillis, int resolution,
            long stepSeconds) {
        return jdbc.inConnection(c -> {
            Map<Long, Map<String, String>> matching = new TreeMap<>();
            Jdbc.query(c, "SELECT series_id, labels FROM an_series WHERE name = ?", s -> s.setString(1, name), rs -> {
                while (rs.next()) {
                    Map<String, String> own = decode(rs.getString(2));
                    if (own.entrySet().containsAll(labels.entrySet())) {
                        matching.put(rs.getLong(1), own);
                    }
                }
                return matching;
            });
            long step = stepSeconds * 1000L;
            String bucket = "(at_ms / " + step + ") * " + step;
            List<Series> result = new ArrayList<>();
            for (Map.Entry<Long, Map<String, String>> series : matching.entrySet()) {
                List<Point> points = Jdbc.query(c, "SELECT " + bucket + ", SUM(mean_value * samples) / SUM(samples), "
                        + "MIN(min_value), MAX(max_value) FROM an_point WHERE series_id = ? AND "
                        + ofResolution(resolution)
                        + " AND at_ms >= ? AND at_ms < ? GROUP BY " + bucket + " ORDER BY 1", s -> {
                            s.setLong(1, series.getKey());
                            s.setLong(2, fromMillis);
                            s.setLong(3, toMillis);
                        }, Jdbc.rows(rs -> new Point(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4))));
                result.add(new Series(name, series.getValue(), points));
            }
            return result;
        });
    }

    public void recordAnomalies(List<Anomaly> anomalies) {
        if (anomalies.isEmpty()) {
            return;
        }
        jdbc.inConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO an_anomaly (at_ms, name, labels, seen, expected, z_score) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (Anomaly a : anomalies) {
                    s.setLong(1, a.at());
                    s.setString(2, a.name());
                    s.setString(3, encode(a.labels()));
                    s.setDouble(4, a.value());
                    s.setDouble(5, a.expected());
                    s.setDouble(6, a.zScore());
                    s.addBatch();
                }
                return s.executeBatch();
            }
        });
    }

    /** Anomalies in [from, to), newest first, of one metric or of all ({@code name} null). */
    public List<Anomaly> anomalies(long fromMillis, long toMillis, String name, int limit) {
        return jdbc.list("SELECT at_ms, name, labels, seen, expected, z_score FROM an_anomaly WHERE at_ms >= ? AND at_ms < ?"
                + (name == null ? "" : " AND name = ?") + " ORDER BY at_ms DESC, anomaly_id DESC FETCH FIRST ? ROWS ONLY", s -> {
                    int i = 1;
                    s.setLong(i++, fromMillis);
                    s.setLong(i++, toMillis);
                    if (name != null) {
                        s.setString(i++, name);
                    }
                    s.setInt(i, limit);
                }, rs -> new Anomaly(rs.getLong(1), rs.getString(2), decode(rs.getString(3)), rs.getDouble(4),
                        rs.getDouble(5), rs.getDouble(6)));
    }

    public int pruneAnomalies(long beforeMillis) {
        return jdbc.update("DELETE FROM an_anomaly WHERE at_ms < ?", s -> s.setLong(1, beforeMillis));
    }

    /**
     * Every series' points in [from, to) at one resolution, as arrays aligned on steps of
     * {@code stepSeconds} (NaN where a step has no point): for correlation.
     */
    public Map<String, double[]> aligned(long fromMillis, long toMillis, int resolution, long stepSeconds) {
        long step = stepSeconds * 1000L;
        long start = Math.floorDiv(fromMillis, step) * step;
        int n = (int) Math.max(1, (toMillis - start + step - 1) / step);
        String bucket = "(at_ms / " + step + ") * " + step;
        return jdbc.inConnection(c -> {
            Map<Long, String> names = new TreeMap<>();
            Jdbc.query(c, "SELECT series_id, name, labels FROM an_series", Jdbc.Binder.NONE, rs -> {
                while (rs.next()) {
                    String labels = rs.getString(3);
                    names.put(rs.getLong(1), rs.getString(2) + (labels.isEmpty() ? "" : "{" + labels + "}"));
                }
                return names;
            });
            Map<String, double[]> all = new TreeMap<>();
            Jdbc.query(c, "SELECT series_id, " + bucket + ", SUM(mean_value * samples) / SUM(samples) "
                    + "FROM an_point WHERE " + ofResolution(resolution)
                    + " AND at_ms >= ? AND at_ms < ? GROUP BY series_id, " + bucket, s -> {
                        s.setLong(1, start);
                        s.setLong(2, toMillis);
                    }, rs -> {
                        while (rs.next()) {
                            String key = names.get(rs.getLong(1));
                            int index = (int) ((rs.getLong(2) - start) / step);
                            if (key == null || index < 0 || index >= n) {
                                continue;
                            }
                            all.computeIfAbsent(key, k -> {
                                double[] values = new double[n];
                                Arrays.fill(values, Double.NaN);
                                return values;
                            })[index] = rs.getDouble(3);
                        }
                        return all;
                    });
            return all;
        });
    }

    /** The points of a resolution: every sample resolution below a minute counts as the samples. */
    private static String ofResolution(int resolution) {
        return resolution < MINUTE ? "resolution < " + MINUTE : "resolution = " + resolution;
    }

    private long seriesId(Connection c, String name, String labels) throws SQLException {
        String key = name + '\u0000' + labels;
        Long id = ids.get(key);
        if (id != null) {
            return id;
        }
        Long found = find(c, name, labels);
        if (found == null) {
            Jdbc.update(c, "INSERT INTO an_series (name, labels) VALUES (?, ?)", s -> {
                s.setString(1, name);
                s.setString(2, labels);
            });
            found = find(c, name, labels);
        }
        ids.put(key, found);
        return found;
    }

    private static Long find(Connection c, String name, String labels) throws SQLException {
        return Jdbc.query(c, "SELECT series_id FROM an_series WHERE name = ? AND labels = ?", s -> {
            s.setString(1, name);
            s.setString(2, labels);
        }, rs -> rs.next() ? rs.getLong(1) : null);
    }

    /** {@code k=v} pairs sorted by key, joined with commas; commas, equals signs and backslashes in them escaped. */
    public static String encode(Map<String, String> labels) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(labels).forEach((k, v) -> {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(escape(k)).append('=').append(escape(v));
        });
        return text.toString();
    }

    public static Map<String, String> decode(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        StringBuilder part = new StringBuilder();
        String key = null;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\\' && i + 1 < text.length()) {
                part.append(text.charAt(++i));
            } else if (ch == '=' && key == null) {
                key = part.toString();
                part.setLength(0);
            } else if (ch == ',') {
                labels.put(key, part.toString());
                key = null;
                part.setLength(0);
            } else {
                part.append(ch);
            }
        }
        if (key != null) {
            labels.put(key, part.toString());
        }
        return labels;
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }
}
