package dev.conflux.workflow.internal.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.conflux.api.step.Cancellation;

/** The cancellation a step sees: set once, runs its callbacks once. */
final class CancellationSignal implements Cancellation {

    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private volatile String reason;

    @Override
    public boolean isCancelled() {
        return reason != null;
    }

    @Override
    public void onCancel(Runnable action) {
        actions.add(action);
        if (reason != null && actions.remove(action)) {
            action.run();
        }
    }

    /** Why it was cancelled, or {@code null}. */
    String reason() {
        return reason;
    }

    void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        for (Runnable action : actions) {
            if (actions.remove(action)) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    // a step's cleanup must not stop the others
                }
            }
        }
    }
}
