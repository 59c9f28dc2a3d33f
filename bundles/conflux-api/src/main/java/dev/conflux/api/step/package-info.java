/**
 * The step-type SPI: a plugin contributes a step type by registering a {@link dev.conflux.api.step.StepType}
 * service; the workflow engine looks it up by its {@value dev.conflux.api.step.StepType#TYPE_PROPERTY} service property
 * (equal to its {@link dev.conflux.api.step.StepType#name() name}) when a step is due.
 */
@Version("1.3.0")
package dev.conflux.api.step;

import org.osgi.annotation.versioning.Version;
