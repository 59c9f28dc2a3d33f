/**
 * The workflow engine's contract: one {@link dev.conflux.api.workflow.WorkflowService} that every face
 * (REST, SOAP, shell, deploy/ files, bundles) calls.
 */
@Version("1.1.0")
package dev.conflux.api.workflow;

import org.osgi.annotation.versioning.Version;
