package dev.conflux.workflow.internal.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.workflow.WorkflowValidationException;
import dev.conflux.workflow.internal.WorkflowDefinitions;

/**
 * The extender for bundles that carry workflows: every {@code *.yaml}, {@code *.yml} or
 * {@code *.json} under {@value #FOLDER} is deployed when the bundle starts and undeployed when it
 * stops. An invalid document is logged with its errors; the bundle's other workflows still deploy.
 */
@Component(immediate = true)
public class BundleWorkflows {

    static final String FOLDER = "OSGI-INF/conflux/workflows";
    private static final Logger LOG = LoggerFactory.getLogger(BundleWorkflows.class);

    private final WorkflowDefinitions workflows;
    private final BundleTracker<List<String>> tracker;

    @Activate
    public BundleWorkflows(@Reference WorkflowDefinitions workflows, BundleContext context) {
        this.workflows = workflows;
        this.tracker = new BundleTracker<>(context, Bundle.ACTIVE, null) {
            @Override
            public List<String> addingBundle(Bundle bundle, BundleEvent event) {
                List<String> origins = deploy(bundle);
                return origins.isEmpty() ? null : origins;
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, List<String> origins) {
                undeploy(bundle, origins);
            }
        };
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    private List<String> deploy(Bundle bundle) {
        List<String> origins = new ArrayList<>();
        Enumeration<URL> entries = bundle.findEntries(FOLDER, "*", false);
        while (entries != null && entries.hasMoreElements()) {
            URL entry = entries.nextElement();
            String name = entry.getPath().substring(entry.getPath().lastIndexOf('/') + 1);
            if (!name.endsWith(".yaml") && !name.endsWith(".yml") && !name.endsWith(".json")) {
                continue;
            }
            String origin = "bundle:" + bundle.getSymbolicName() + "/" + name;
            try (InputStream in = entry.openStream()) {
                var result = workflows.deploy(new String(in.readAllBytes(), StandardCharsets.UTF_8), origin);
                origins.add(origin);
                LOG.info("{}: workflow '{}' version {}", origin, result.id(), result.version());
            } catch (WorkflowValidationException e) {
                LOG.error("{} is not a valid workflow and was not deployed:\n  {}", origin,
                        String.join("\n  ", e.errors().stream().map(Object::toString).toList()));
            } catch (ProblemException | IOException e) {
                LOG.error("{} could not be deployed: {}", origin, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} could not be deployed", origin, e);
            }
        }
        return origins;
    }

    private void undeploy(Bundle bundle, List<String> origins) {
        for (String origin : origins) {
            try {
                workflows.deployedFrom(origin).ifPresent(id -> {
                    workflows.undeploy(id);
                    LOG.info("{} stopped; workflow '{}' is undeployed", bundle.getSymbolicName(), id);
                });
            } catch (ProblemException e) {
                LOG.warn("Could not undeploy {}: {}", origin, e.getMessage());
            }
        }
    }
}
