package dev.conflux.api.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory of every Conflux bundle: daemon threads named {@code prefix-N}, so a thread
 * dump says which capability a thread belongs to, and a thread left behind never keeps the JVM up.
 */
public final class NamedThreads implements ThreadFactory {

    private final String prefix;
    private final boolean numbered;
    private final AtomicInteger count = new AtomicInteger();

    private NamedThreads(String prefix, boolean numbered) {
        this.prefix = prefix;
        this.numbered = numbered;
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory numbered(String prefix) {
        return new NamedThreads(prefix, true);
    }

    /** Threads all named {@code name}: for an executor of one thread. */
    public static ThreadFactory single(String name) {
        return new NamedThreads(name, false);
    }

    /** A daemon thread named {@code name} running {@code task}, not started yet. */
    public static Thread thread(String name, Runnable task) {
        return single(name).newThread(task);
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, numbered ? prefix + "-" + count.incrementAndGet() : prefix);
        thread.setDaemon(true);
        return thread;
    }
}
