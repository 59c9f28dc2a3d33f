package dev.conflux.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots the built Conflux distribution (the tar.gz of karaf-distribution) in its own JVM, on free
 * ports, resolving Maven URLs from the local repository only. Tests run inside the container.
 */
public abstract class ConfluxTestSupport {

    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        String localRepo = System.getProperty("conflux.local.repository");
        String distribution = System.getProperty("conflux.distribution");
        if (distribution == null || !new File(distribution).isFile()) {
            throw new IllegalStateException("build the distribution first: " + distribution + " is missing");
        }
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(distribution).toURI().toString())
                    .name("Conflux")
                    .karafVersion("4.4.10")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            keepRuntimeFolder(),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevelOption.LogLevel.INFO),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepo),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.useFallbackRepositories", "false"),
            systemProperty("conflux.sample.jar").value(System.getProperty("conflux.sample.jar")),
            systemProperty("conflux.sample.workflow").value(System.getProperty("conflux.sample.workflow")),
            // what bin/karaf adds on Java 9+; Pax Exam starts java itself and adds none of it
            vmOptions(
                    "-Djdk.util.zip.disableZip64ExtraFieldValidation=true",
                    "-Xmx768m",
                    "--add-reads=java.xml=java.logging",
                    "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                    "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-4.4.10.jar",
                    "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-4.4.10.jar",
                    "--add-opens", "java.base/java.security=ALL-UNNAMED",
                    "--add-opens", "java.base/java.net=ALL-UNNAMED",
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "--add-opens", "java.base/java.util=ALL-UNNAMED",
                    "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                    "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                    "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                    "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
                    "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
                    "-classpath", "lib/jdk9plus/*:lib/boot/*")
        };
    }

    /**
     * The reference workflow, samples/workflows/order-intake.yaml, read inside the container (a
     * system property would not do: Karaf resolves the ${...} placeholders in it).
     */
    protected static String sampleWorkflow() {
        try {
            return Files.readString(Paths.get(System.getProperty("conflux.sample.workflow")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the sample workflow", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    // ---- helpers that run inside the container ----

    protected String baseUrl() {
        return "http://localhost:" + System.getProperty("org.osgi.service.http.port", configuredHttpPort());
    }

    private String configuredHttpPort() {
        try {
            for (String line : Files.readAllLines(karafEtc().resolve("org.ops4j.pax.web.cfg"))) {
                String trimmed = line.trim();
                if (trimmed.startsWith("org.osgi.service.http.port") && trimmed.contains("=")) {
                    return trimmed.substring(trimmed.indexOf('=') + 1).trim();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no HTTP port in etc/org.ops4j.pax.web.cfg");
    }

    protected static Path karafEtc() {
        return Paths.get(System.getProperty("karaf.etc"));
    }

    protected static Path karafData() {
        return Paths.get(System.getProperty("karaf.data"));
    }

    protected static Path karafBase() {
        return Paths.get(System.getProperty("karaf.base"));
    }

    protected HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET(), headers);
    }

    protected HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    /** Pass {@code "Authorization", NO_CREDENTIALS} to send a request without any credentials. */
    protected static final String NO_CREDENTIALS = "";

    /**
     * Sends the request as the initial admin (HTTP Basic) unless the headers carry credentials of
     * their own, or {@link #NO_CREDENTIALS}.
     */
    protected HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
        boolean credentials = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization") || headers[i].equalsIgnoreCase("X-API-Key")) {
                credentials = true;
            }
            if (!headers[i + 1].isEmpty()) {
                builder.header(headers[i], headers[i + 1]);
            }
        }
        if (!credentials) {
            builder.header("Authorization", basic("admin", adminPassword()));
        }
        try {
            return http.send(builder.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("HTTP request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The initial admin's password, from the file the security capability wrote on first boot. */
    protected static String adminPassword() {
        Path file = karafData().resolve("conflux/initial-admin-password");
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        while (!Files.isRegularFile(file) && System.nanoTime() < deadline) {
            sleep(100);
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException("no initial admin password at " + file, e);
        }
    }

    protected static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Polls {@code path} until the response matches, or fails with the last response. */
    protected HttpResponse<String> awaitHttp(String path, Predicate<HttpResponse<String>> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(path);
                if (condition.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            sleep(200);
        }
        fail("GET " + path + " did not reach the expected state within " + timeout.toSeconds() + " s; last: "
                + (last == null ? lastError : last.statusCode() + " " + last.body()));
        return last;
    }

    /** Whether this container's API has been seen settled (each test class boots its own container). */
    private static volatile boolean settled;

    /**
     * Waits until the platform reports UP: the state every test starts from. The first time, also
     * until it has answered five times in a row: while bundles still register resources the JAX-RS
     * whiteboard rebuilds the application, and for a moment answers 404.
     */
    protected void awaitHealthUp() {
        int inARow = settled ? 4 : 0;
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        while (inARow < 5) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the REST API did not settle within " + BOOT_TIMEOUT.toSeconds() + " s");
            }
            awaitHttp("/api/v1/health", r -> r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"")
                    && r.body().contains("\"database\""), BOOT_TIMEOUT);
            inARow = get("/api/v1/openapi.json").statusCode() == 200 ? inARow + 1 : 0;
            if (inARow < 5) {
                sleep(200);
            }
        }
        settled = true;
    }

    protected <T> T awaitService(Class<T> type, String filter, Duration timeout) {
        try {
            String full = filter == null ? "(objectClass=" + type.getName() + ")"
                    : "(&(objectClass=" + type.getName() + ")" + filter + ")";
            ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, bundleContext.createFilter(full), null);
            tracker.open();
            try {
                T service = tracker.waitForService(timeout.toMillis());
                assertNotNull("no " + type.getSimpleName() + " service " + (filter == null ? "" : filter)
                        + " within " + timeout.toSeconds() + " s", service);
                return service;
            } finally {
                tracker.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a Karaf shell command as the console would and returns what it printed. */
    protected String shell(String command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, out, out);
        try {
            Object result = session.execute(command);
            if (result != null) {
                out.println(result);
            }
        } catch (Exception e) {
            throw new IllegalStateException("'" + command + "' failed: " + e.getMessage() + "\n" + bytes, e);
        } finally {
            session.close();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
