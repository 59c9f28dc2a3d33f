package dev.conflux.analytics.internal;

import static org.junit.Assert.assertTrue;

import java.util.Set;

import org.junit.Test;

public class MetricsServletTest {

    @Test
    public void samplesNameTheirFamilyAndRepeatsAreFine() {
        Set<String> families = MetricsServlet.families(new String[] {"conflux_runs_started_total", "conflux_runs_started_total",
            "conflux_step_duration_seconds_bucket", "conflux_runs_active"});
        assertTrue(families.toString(), families.contains("conflux_runs_started"));
        assertTrue(families.toString(), families.contains("conflux_step_duration_seconds"));
        assertTrue(families.toString(), families.contains("conflux_runs_active"));
    }
}
