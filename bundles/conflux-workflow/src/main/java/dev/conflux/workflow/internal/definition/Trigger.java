package dev.conflux.workflow.internal.definition;

/** What starts a run besides an API call. */
public sealed interface Trigger permits Trigger.Cron, Trigger.Event {

    /** A schedule, as a Quartz cron expression ({@code 0 *}{@code /5 * * * ?}). */
    record Cron(String expression) implements Trigger {
    }

    /** An EventAdmin topic; the event's properties become the run's inputs. */
    record Event(String topic) implements Trigger {
    }
}
