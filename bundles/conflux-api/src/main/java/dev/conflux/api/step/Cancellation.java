package dev.conflux.api.step;

import org.osgi.annotation.versioning.ProviderType;

/** Tells a running step that it should stop: its run was cancelled or the step timed out. */
@ProviderType
public interface Cancellation {

    boolean isCancelled();

    /**
     * Runs {@code action} once when the step is cancelled, or at once if it already is. Use it to
     * abort blocking I/O that does not answer to interrupts.
     */
    void onCancel(Runnable action);
}
