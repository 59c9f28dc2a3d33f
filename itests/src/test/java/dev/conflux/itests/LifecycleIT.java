package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;

import dev.conflux.api.health.HealthContributor;
import dev.conflux.api.step.StepType;

/**
 * Capabilities come and go on a running instance: a feature uninstalled and installed again, a
 * plugin dropped into deploy/ and deleted. This probe touches no package of the features it
 * removes (only the JDK, OSGi, Karaf's features API and conflux-api), so it is never refreshed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LifecycleIT extends ConfluxTestSupport {

    @Inject
    FeaturesService features;

    @Before
    public void platformIsUp() {
        awaitHealthUp();
    }

    @Test
    public void aCapabilityUninstallsAndReinstallsWithoutDisturbingTheOthers() throws Exception {
        awaitHttp("/services/workflow?wsdl", r -> r.statusCode() == 200, Duration.ofSeconds(20));
        long storeBundle = bundleId("conflux-store");
        long platformBundle = bundleId("conflux-platform");
        long workflowBundle = bundleId("conflux-workflow");
        Object dataSourceId = dataSourceServiceId();

        features.uninstallFeature("conflux-soap");
        assertFalse(features.isInstalled(features.getFeature("conflux-soap")));
        assertNull("conflux-soap should be gone", find("conflux-soap"));
        awaitHttp("/services/workflow?wsdl", r -> r.statusCode() == 404, Duration.ofSeconds(10));

        // the others keep serving: same bundles, still active, the same DataSource registration, REST answering
        assertEquals(storeBundle, bundleId("conflux-store"));
        assertEquals(platformBundle, bundleId("conflux-platform"));
        assertEquals(workflowBundle, bundleId("conflux-workflow"));
        assertEquals(Bundle.ACTIVE, find("conflux-workflow").getState());
        assertEquals(dataSourceId, dataSourceServiceId());
        assertEquals("UP", awaitService(HealthContributor.class, "(component.name=dev.conflux.store.internal.DatabaseHealth)",
                Duration.ofSeconds(5)).check().status().name());
        awaitHealthUp();
        assertEquals(200, get("/api/v1/workflows").statusCode());
        assertEquals(401, get("/system/console/bundles", "Authorization", NO_CREDENTIALS).statusCode());

        features.installFeature("conflux-soap");
        assertTrue(features.isInstalled(features.getFeature("conflux-soap")));
        awaitHttp("/services/workflow?wsdl", r -> r.statusCode() == 200, Duration.ofSeconds(30));
        assertEquals(storeBundle, bundleId("conflux-store"));
        assertEquals(platformBundle, bundleId("conflux-platform"));
        assertEquals(workflowBundle, bundleId("conflux-workflow"));
        assertEquals(dataSourceId, dataSourceServiceId());
        String info = shell("conflux:info");
        assertTrue(info, info.matches("(?s).*conflux-soap\\s*\\|\\s*yes.*"));
    }

    private Object dataSourceServiceId() throws Exception {
        return bundleContext.getServiceReferences(DataSource.class, "(dataSourceName=conflux)")
                .iterator().next().getProperty("service.id");
    }

    @Test
    public void aPluginDroppedIntoDeployProvidesItsStepTypeWithinTwoSecondsAndLeavesWhenDeleted() throws Exception {
        Path jar = Paths.get(System.getProperty("conflux.sample.jar"));
        assertTrue("build the sample first: " + jar, Files.isRegularFile(jar));
        Path deployed = karafBase().resolve("deploy").resolve(jar.getFileName());

        ServiceTracker<StepType, StepType> tracker = new ServiceTracker<>(bundleContext,
                bundleContext.createFilter("(&(objectClass=" + StepType.class.getName() + ")(conflux.step.type=text-case))"), null);
        tracker.open();
        try {
            assertNull(tracker.getService());
            Path staged = Files.copy(jar, deployed.resolveSibling(jar.getFileName() + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
            long start = System.nanoTime();
            // a rename is atomic: FileInstall never sees a half-written jar
            Files.move(staged, deployed, StandardCopyOption.ATOMIC_MOVE);
            StepType step = tracker.waitForService(2_000);
            long appeared = (System.nanoTime() - start) / 1_000_000;
            assertNotNull("the text-case step type did not appear within 2 s", step);
            assertEquals("text-case", step.name());
            System.out.println("hot deploy: step type visible after " + appeared + " ms");
            // the bundle also carries a workflow: the extender deploys it with the bundle
            awaitHttp("/api/v1/workflows/text-steps-greeting", r -> r.statusCode() == 200, Duration.ofSeconds(10));
            assertTrue(get("/api/v1/workflows/text-steps-greeting").body().contains("bundle:conflux-sample-text-steps/greeting.yaml"));

            start = System.nanoTime();
            Files.delete(deployed);
            while (tracker.getService() != null && System.nanoTime() - start < 2_000_000_000L) {
                sleep(20);
            }
            assertNull("the text-case step type was still registered 2 s after the jar was deleted", tracker.getService());
            System.out.println("hot undeploy: step type gone after " + (System.nanoTime() - start) / 1_000_000 + " ms");
            long gone = System.nanoTime() + 2_000_000_000L;
            while (find("conflux-sample-text-steps") != null && System.nanoTime() < gone) {
                sleep(20);
            }
            assertNull("the bundle is uninstalled with its jar", find("conflux-sample-text-steps"));
            awaitHttp("/api/v1/workflows/text-steps-greeting", r -> r.statusCode() == 404, Duration.ofSeconds(10));
        } finally {
            tracker.close();
            Files.deleteIfExists(deployed);
        }
    }

    private long bundleId(String symbolicName) {
        Bundle bundle = find(symbolicName);
        assertNotNull("no bundle " + symbolicName, bundle);
        return bundle.getBundleId();
    }

    private Bundle find(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

}
