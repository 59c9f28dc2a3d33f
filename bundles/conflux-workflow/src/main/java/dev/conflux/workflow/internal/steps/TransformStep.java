package dev.conflux.workflow.internal.steps;

import java.util.LinkedHashMap;

import org.osgi.service.component.annotations.Component;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;

/** {@code transform}: its output is its input, expressions evaluated: shapes data for later steps. */
@Component(property = StepType.TYPE_PROPERTY + "=transform")
public class TransformStep implements StepType {

    @Override
    public String name() {
        return "transform";
    }

    @Override
    public String description() {
        return "Evaluates its input ('with') and returns it as its output.";
    }

    @Override
    public StepResult execute(StepContext context) {
        return StepResult.success(new LinkedHashMap<>(context.inputs()));
    }
}
