package dev.conflux.api.event;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class ConfluxTopicsTest {

    @Test
    public void topicsEndInTheUpperCaseState() {
        assertEquals("conflux/workflow/run/SUCCEEDED", ConfluxTopics.runTopic("succeeded"));
        assertEquals("conflux/workflow/step/RETRY_WAIT", ConfluxTopics.stepTopic("RETRY_WAIT"));
        assertEquals("conflux/workflow/run/*", ConfluxTopics.all(ConfluxTopics.WORKFLOW_RUN));
    }

    @Test
    public void aStateCannotAddSegmentsOrWildcards() {
        assertThrows(IllegalArgumentException.class, () -> ConfluxTopics.runTopic("a/b"));
        assertThrows(IllegalArgumentException.class, () -> ConfluxTopics.stepTopic("*"));
        assertThrows(IllegalArgumentException.class, () -> ConfluxTopics.stepTopic(" "));
    }
}
