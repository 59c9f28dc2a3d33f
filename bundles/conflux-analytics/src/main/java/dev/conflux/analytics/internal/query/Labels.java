package dev.conflux.analytics.internal.query;

import java.util.LinkedHashMap;
import java.util.Map;

/** Label filters written as {@code key=value} pairs joined with commas. */
public final class Labels {

    private Labels() {
    }

    /** @throws IllegalArgumentException naming the parameter when a pair has no key */
    public static Map<String, String> parse(String parameter, String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return labels;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + parameter + "' must be key=value pairs joined with commas, e.g. "
                        + "workflow=orders,step=fetch; got '" + text + "'");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return labels;
    }
}
