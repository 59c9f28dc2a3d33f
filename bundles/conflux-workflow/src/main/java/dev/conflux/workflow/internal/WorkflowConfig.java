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
}
