/**
 * The step-type SPI: a plugin contributes a step type by registering a {@link dev.conflux.api.step.StepType}
 * service; the workflow engine looks it up by {@link dev.conflux.api.step.StepType#name() name} when a step is due.
 */
@Version("1.2.0")
package dev.conflux.api.step;

import org.osgi.annotation.versioning.Version;
