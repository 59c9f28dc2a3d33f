package dev.conflux.workflow.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = WorkflowConfig.PID, name = "Conflux workflow engine",
        description = "Workflow definitions and their execution.")
public @interface WorkflowConfig {

    String PID = "dev.conflux.workflow";

    @AttributeDefinition(name = "Largest document",
            description = "Bytes a workflow document may have; larger ones are refused with a clear error.",
            min = "1024", max = "16777216")
    int maxDocumentBytes() default 1_048_576;

    @AttributeDefinition(name = "Concurrent steps",
            description = "Step attempts that may run at once across all runs; more wait for a free worker. "
                    + "A change applies at once: nothing restarts, and attempts over a lowered limit finish.", min = "1", max = "4096")
    int maxConcurrentSteps() default 64;

    @AttributeDefinition(name = "Concurrent steps per workflow",
            description = "Step attempts of one workflow's runs that may run at once; 0 leaves only the global limit. "
                    + "A change applies at once: nothing restarts, and attempts over a lowered limit finish.", min = "0", max = "4096")
    int maxConcurrentStepsPerWorkflow() default 0;

    @AttributeDefinition(name = "Step type wait limit",
            description = "Seconds a step waits for a bundle that provides its step type before it fails.", min = "1")
    int stepTypeWaitLimitSeconds() default 3600;

    @AttributeDefinition(name = "Keep finished runs",
            description = "Days a finished run (with its steps and logs) is kept; older ones are purged every hour. 0 keeps them forever.",
            min = "0")
    int keepFinishedRunsDays() default 30;
}
