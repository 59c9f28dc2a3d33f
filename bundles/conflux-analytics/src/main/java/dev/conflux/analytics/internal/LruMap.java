package dev.conflux.analytics.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A map of at most {@code max} entries that drops the least recently used one to make room, and
 * says which: every per-workflow, per-step and per-series structure of analytics is one, so a flood
 * of distinct ids cannot grow memory without end. Not thread-safe: each owner confines or guards it.
 * The callback runs inside the {@code put} that overflowed and must not change this map.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {

    private static final long serialVersionUID = 1L;

    private final int max;
    private final transient BiConsumer<? super K, ? super V> evicted;

    public LruMap(int max, BiConsumer<? super K, ? super V> evicted) {
        super(16, 0.75f, true);
        this.max = Math.max(1, max);
        this.evicted = evicted;
    }

    public int max() {
        return max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        if (size() <= max) {
            return false;
        }
        evicted.accept(eldest.getKey(), eldest.getValue());
        return true;
    }
}
