package dev.conflux.analytics.internal.query;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conflux.api.problem.ProblemException;

/** Query parameters of the analytics API and shell, each refused with a message that names it. */
public final class Params {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Params() {
    }

    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Instant instant = Instant.parse(value.trim());
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw ProblemException.invalid("'" + name + "' must lie between 1970 and 9999, got '" + value + "'");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("'" + name + "' must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got '"
                    + value + "'");
        }
    }

    /** A time range from query parameters: {@code to} defaults to now, {@code from} to {@code span} before it. */
    public record Range(Instant from, Instant to) {
    }

    public static Range range(String from, String to, Duration span) {
        Instant end = instant("to", to);
        end = end == null ? Instant.now() : end;
        Instant start = instant("from", from);
        start = start == null ? end.minus(span) : start;
        if (!start.isBefore(end)) {
            throw ProblemException.invalid("'from' must be before 'to'");
        }
        return new Range(start, end);
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    public static Duration duration(String name, String value, Duration fallback, Duration max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw ProblemException.invalid("'" + name + "' must be a duration such as 30s, 5m, 2h or 7d, got '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (d.isZero() || d.compareTo(max) > 0) {
            throw ProblemException.invalid("'" + name + "' must be more than 0 and at most " + max.toString().substring(2)
                    .toLowerCase(Locale.ROOT) + ", got '" + value + "'");
        }
        return d;
    }

    public static int limit(int value, int max) {
        if (value < 1 || value > max) {
            throw ProblemException.invalid("'limit' must be between 1 and " + max + ", got " + value);
        }
        return value;
    }

    /** A label filter ({@code key=value} pairs joined with commas). */
    public static Map<String, String> labels(String name, String value) {
        try {
            return Labels.parse(name, value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage());
        }
    }
}
