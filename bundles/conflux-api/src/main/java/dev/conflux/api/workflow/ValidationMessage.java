package dev.conflux.api.workflow;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finding about a workflow document, located so a person can find it.
 *
 * @param line 1-based line, 0 when the finding is about the whole document
 * @param column 1-based column, 0 when unknown
 * @param path where in the document: {@code steps[2].retry.max}; empty for the document itself
 * @param message what is wrong and, where it helps, what would be right
 */
public record ValidationMessage(int line, int column, String path, String message) {

    public ValidationMessage {
        path = path == null ? "" : path;
    }

    /** {@code 12:5 steps[2].retry.max: must be between 0 and 100}. */
    @Override
    public String toString() {
        String where = line > 0 ? line + ":" + column + " " : "";
        return where + (path.isEmpty() ? "" : path + ": ") + message;
    }

    /** The JSON form used in problem details. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("line", line);
        map.put("column", column);
        map.put("path", path);
        map.put("message", message);
        return map;
    }
}
