package dev.conflux.api.problem;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem detail.
 *
 * @param type the problem type URI, stable per kind of error
 * @param title the type's short summary
 * @param status the HTTP status code
 * @param detail what went wrong this time, for humans; never a stack trace
 * @param instance the URI of the request or resource, may be {@code null}
 * @param extensions further members (for example {@code errors}: a list of located errors), JSON-friendly values only
 */
public record Problem(String type, String title, int status, String detail, String instance,
        Map<String, Object> extensions) {

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail, null, Map.of());
    }

    /** A copy with one more extension member. */
    public Problem with(String name, Object value) {
        var more = new LinkedHashMap<>(extensions);
        more.put(name, value);
        return new Problem(type, title, status, detail, instance, more);
    }

    /** A copy whose {@code instance} is {@code uri}. */
    public Problem at(String uri) {
        return new Problem(type, title, status, detail, uri, extensions);
    }

    /** The members in RFC 9457 order, extensions last, ready to serialize as JSON. */
    public Map<String, Object> toMap() {
        var map = new LinkedHashMap<String, Object>();
        map.put("type", type);
        map.put("title", title);
        map.put("status", status);
        if (detail != null) {
            map.put("detail", detail);
        }
        if (instance != null) {
            map.put("instance", instance);
        }
        extensions.forEach(map::putIfAbsent);
        return map;
    }
}
