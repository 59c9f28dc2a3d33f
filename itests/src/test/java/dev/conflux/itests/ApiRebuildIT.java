package dev.conflux.itests;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * While bundles bring and take away resources, the JAX-RS whiteboard rebuilds the API
 * application; a client reading the API at that moment must see no 404 and no 5xx, and health
 * must never say UP while the API answers 404.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ApiRebuildIT extends ConfluxTestSupport {

    private record Answer(String path, long startNanos, long endNanos, int status, String body) {
        boolean overlaps(Answer other) {
            return startNanos <= other.endNanos && other.startNanos <= endNanos;
        }
    }

    /** {@code -Dconflux.itest.rebuildHoldMillis=0} turns the platform's rebuild hold off: the test must then fail. */
    @Override
    @Configuration
    public Option[] config() {
        String hold = System.getProperty("conflux.itest.rebuildHoldMillis");
        Option[] base = OptionUtils.combine(super.config(),
                editConfigurationFilePut("etc/dev.conflux.security.cfg", "readRequestsPerMinute", "10000000"));
        return hold == null ? base
                : OptionUtils.combine(base, editConfigurationFilePut("etc/dev.conflux.platform.api.cfg", "rebuildHoldMillis", hold));
    }

    @Before
    public void up() {
        awaitHealthUp();
        awaitHttp("/api/v1/runs", r -> r.statusCode() == 200, BOOT_TIMEOUT);
    }

    @Test
    public void aBundleThatBringsAResourceNeverMakesTheApiAnswer404() throws Exception {
        List<Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (String path : List.of("/api/v1/runs", "/api/v1/runs", "/api/v1/health")) {
            Thread reader = new Thread(() -> {
                while (reading.get()) {
                    long start = System.nanoTime();
                    HttpResponse<String> response = get(path);
                    answers.add(new Answer(path, start, System.nanoTime(), response.statusCode(), response.body()));
                }
            }, "api-rebuild-reader");
            reader.start();
            readers.add(reader);
        }
        List<long[]> rebuilds = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                long from = System.nanoTime();
                Bundle bundle = bundleContext.installBundle("conflux-rebuild-probe-" + i, probeBundle(i));
                bundle.start();
                awaitHttp("/api/v1/probe/rebuild", r -> r.statusCode() == 200 && r.body().equals("rebuilt"), Duration.ofSeconds(20));
                bundle.uninstall();
                awaitHttp("/api/v1/probe/rebuild", r -> r.statusCode() == 404 && r.body().contains("urn:conflux:problem:not-found"),
                        Duration.ofSeconds(20));
                rebuilds.add(new long[] {from, System.nanoTime()});
            }
        } finally {
            reading.set(false);
            for (Thread reader : readers) {
                reader.join(30_000);
            }
        }

        List<String> wrong = new ArrayList<>();
        for (Answer answer : answers) {
            if (answer.status() == 404 || answer.status() >= 500) {
                wrong.add(answer.path() + " -> " + answer.status() + " " + answer.body().substring(0, Math.min(120, answer.body().length())));
                for (Answer health : answers) {
                    if (health.path().endsWith("/health") && health.status() == 200 && health.body().contains("\"status\":\"UP\"")
                            && health.overlaps(answer)) {
                        wrong.add("  while health answered UP");
                        break;
                    }
                }
            }
        }
        // the reads must have met the rebuilds: each install and uninstall overlapped by reads of /runs
        for (int i = 0; i < rebuilds.size(); i++) {
            long[] window = rebuilds.get(i);
            long during = answers.stream().filter(a -> a.path().endsWith("/runs") && a.startNanos() <= window[1]
                    && window[0] <= a.endNanos()).count();
            assertTrue("no read of /api/v1/runs while probe bundle " + i + " came and went", during > 0);
        }
        assertTrue(wrong.size() + " of " + answers.size() + " reads failed while the API was rebuilt:\n"
                + String.join("\n", wrong.subList(0, Math.min(40, wrong.size()))), wrong.isEmpty());
    }

    /** A bundle with {@code ProbeActivator} and {@code ProbeResource}, built here from the probe's own class files. */
    private static InputStream probeBundle(int generation) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "conflux-rebuild-probe-" + generation);
        main.putValue("Bundle-Version", "1.0." + generation);
        main.putValue("Bundle-Activator", "dev.conflux.itests.rebuild.ProbeActivator");
        main.putValue("Import-Package", "javax.ws.rs, org.osgi.framework");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar, manifest)) {
            for (String name : List.of("ProbeActivator", "ProbeResource")) {
                String entry = "dev/conflux/itests/rebuild/" + name + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = ApiRebuildIT.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return new ByteArrayInputStream(jar.toByteArray());
    }
}
