package dev.conflux.workflow.internal.definition;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as workflows write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, or ISO-8601 {@code PT30S}. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration, or throws {@link IllegalArgumentException} with a message that shows the accepted forms. */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim();
        Matcher m = SIMPLE.matcher(value);
        Duration duration;
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                duration = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + value + "' is not a duration; write it like 250ms, 30s, 5m, 2h, 1d or PT30S");
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a duration must be longer than zero, got '" + value + "'");
        }
        return duration;
    }
}
