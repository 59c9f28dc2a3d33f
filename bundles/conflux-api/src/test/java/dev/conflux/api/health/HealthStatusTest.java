package dev.conflux.api.health;

import static org.junit.Assert.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.Test;

public class HealthStatusTest {

    @Test
    public void worstPicksTheMoreSeriousStatus() {
        assertEquals(HealthStatus.DEGRADED, HealthStatus.UP.worst(HealthStatus.DEGRADED));
        assertEquals(HealthStatus.DOWN, HealthStatus.DOWN.worst(HealthStatus.UP));
        assertEquals(HealthStatus.UP, HealthStatus.UP.worst(HealthStatus.UP));
    }

    @Test
    public void healthDetailsAreACopy() {
        Map<String, Object> details = new HashMap<>();
        details.put("connections", 3);
        Health health = new Health(HealthStatus.UP, null, details);
        details.put("connections", 4);
        assertEquals(3, health.details().get("connections"));
        assertEquals("", health.message());
        assertEquals(2, health.withDetails(Map.of("version", "2.2")).details().size());
    }
}
