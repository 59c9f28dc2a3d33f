package dev.conflux.platform.internal.health;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = HealthConfig.PID, name = "Conflux health",
        description = "How the platform aggregates the health of its components (/api/v1/health, conflux:health).")
public @interface HealthConfig {

    String PID = "dev.conflux.platform.health";

    @AttributeDefinition(name = "Check time limit",
            description = "Milliseconds one component's health check may take; a slower one is reported DOWN.",
            min = "50", max = "60000")
    int checkTimeoutMillis() default 3000;
}
