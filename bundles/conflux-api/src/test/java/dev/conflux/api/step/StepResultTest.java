package dev.conflux.api.step;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import org.junit.Test;

public class StepResultTest {

    @Test
    public void failuresSayWhetherARetryCanHelp() {
        assertTrue(((StepResult.Failure) StepResult.retryableFailure("HTTP 503")).retryable());
        assertEquals(false, ((StepResult.Failure) StepResult.permanentFailure("HTTP 404")).retryable());
    }

    @Test
    public void aFailureNeedsAMessage() {
        assertThrows(IllegalArgumentException.class, () -> StepResult.permanentFailure("  "));
        assertThrows(NullPointerException.class, () -> StepResult.retryableFailure(null));
    }

    @Test
    public void successCarriesAnyOutput() {
        StepResult result = StepResult.success(Map.of("count", 3));
        assertEquals(Map.of("count", 3), ((StepResult.Success) result).output());
    }
}
