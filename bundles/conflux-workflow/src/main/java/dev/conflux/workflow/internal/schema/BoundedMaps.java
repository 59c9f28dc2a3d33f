package dev.conflux.workflow.internal.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Caches of this bundle that must not grow with every deployed version. */
public final class BoundedMaps {

    private BoundedMaps() {
    }

    /** A thread-safe map that keeps at most {@code max} entries, dropping the least recently used. */
    public static <K, V> Map<K, V> leastRecentlyUsed(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        });
    }
}
