package dev.conflux.api.step;

import org.osgi.annotation.versioning.ProviderType;

/** Writes lines to the log of a run; the engine stores them with the step that wrote them. */
@ProviderType
public interface StepLogger {

    /** How serious a line is. */
    enum Level { DEBUG, INFO, WARN, ERROR }

    void log(Level level, String message);

    default void debug(String message) {
        log(Level.DEBUG, message);
    }

    default void info(String message) {
        log(Level.INFO, message);
    }

    default void warn(String message) {
        log(Level.WARN, message);
    }

    default void error(String message) {
        log(Level.ERROR, message);
    }
}
