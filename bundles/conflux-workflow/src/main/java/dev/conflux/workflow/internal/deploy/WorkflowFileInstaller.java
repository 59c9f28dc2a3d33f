package dev.conflux.workflow.internal.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.conflux.api.security.AuditEvent;
import dev.conflux.api.security.AuditTrail;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.workflow.DeployResult;
import dev.conflux.api.workflow.WorkflowValidationException;
import dev.conflux.workflow.internal.WorkflowDefinitions;

/**
 * Workflow documents dropped into {@code deploy/} ({@code *.yaml}, {@code *.yml}): a new file
 * deploys, an edit deploys a new version, a deletion undeploys. An invalid file is refused whole,
 * logged with every error, and listed by {@code workflow:list} until it is fixed or removed.
 */
@Component(service = {ArtifactInstaller.class, WorkflowFileInstaller.class})
public class WorkflowFileInstaller implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowFileInstaller.class);

    private final WorkflowDefinitions workflows;
    private final Map<String, List<String>> refused = new ConcurrentSkipListMap<>();

    /** Where deployments from files are recorded, while the security capability is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AuditTrail audit;

    @Activate
    public WorkflowFileInstaller(@Reference WorkflowDefinitions workflows) {
        this.workflows = workflows;
    }

    @Override
    public boolean canHandle(File artifact) {
        String name = artifact.getName().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    @Override
    public void install(File artifact) {
        deploy(artifact);
    }

    @Override
    public void update(File artifact) {
        deploy(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        refused.remove(artifact.getName());
        workflows.deployedFrom(origin(artifact)).ifPresent(id -> {
            workflows.undeploy(id);
            LOG.info("{} was removed from deploy/; workflow '{}' is undeployed", artifact.getName(), id);
            audit("workflow.undeploy", id, AuditEvent.SUCCESS, "deploy/" + artifact.getName() + " removed");
        });
    }

    /** Files that were refused, with why. */
    public Map<String, List<String>> refused() {
        return Map.copyOf(refused);
    }

    private void deploy(File artifact) {
        String name = artifact.getName();
        try {
            DeployResult result = workflows.deploy(Files.readString(artifact.toPath()), origin(artifact));
            refused.remove(name);
            if (result.created()) {
                LOG.info("{}: deployed workflow '{}' version {}", name, result.id(), result.version());
                audit("workflow.deploy", result.id(), AuditEvent.SUCCESS, "deploy/" + name + ", version " + result.version());
            }
        } catch (WorkflowValidationException e) {
            List<String> problems = e.errors().stream().map(error -> name + ":" + error).toList();
            refused.put(name, problems);
            LOG.error("{} is not a valid workflow and was not deployed:\n  {}", name, String.join("\n  ", problems));
            audit("workflow.deploy", name, AuditEvent.FAILURE, "deploy/" + name + ": " + problems.size() + " error(s)");
        } catch (ProblemException e) {
            refused.put(name, List.of(e.getMessage()));
            LOG.error("{} could not be deployed: {}", name, e.getMessage());
        } catch (IOException e) {
            refused.put(name, List.of("cannot read the file: " + e.getMessage()));
            LOG.error("Cannot read {}", artifact, e);
        } catch (RuntimeException e) {
            refused.put(name, List.of("could not be deployed: " + e));
            LOG.error("{} could not be deployed", name, e);
        }
    }

    private void audit(String action, String target, String outcome, String detail) {
        AuditTrail trail = audit;
        if (trail != null) {
            trail.record(new AuditEvent("system", null, action, target, outcome, detail));
        }
    }

    private static String origin(File artifact) {
        return "file:" + artifact.getName();
    }
}
