package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The durability promise, tested the hard way: the real distribution is started with
 * {@code bin/karaf}, runs are put in flight, the JVM is killed with SIGKILL (kill -9), and the
 * platform is started again. Every run must finish, and no step that had completed before the
 * kill may run again.
 */
public class CrashRecoveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RUNS = 20;
    private static final String WORKFLOW = """
            id: crash-test
            steps:
              - {id: first, type: log, with: {message: "first ${run.id}"}}
              - {id: slow, type: delay, needs: [first], with: {duration: 4s}}
              - {id: last, type: log, needs: [slow], with: {message: "last ${run.id}"}}
              - {id: side, type: log, needs: [first], with: {message: "side ${run.id}"}}
            """;

    private static final String ADMIN_PASSWORD = "crash-test-admin-password";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process karaf;
    private Path home;
    private int port;

    @After
    public void stop() throws Exception {
        if (karaf != null) {
            kill(karaf);
        }
    }

    @Test
    public void killedWithRunsInFlightEveryRunFinishesAndNoCompletedStepRunsTwice() throws Exception {
        home = unpack();
        port = freePort();
        set(home.resolve("etc/org.ops4j.pax.web.cfg"), "org.osgi.service.http.port", String.valueOf(port));
        set(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort", String.valueOf(freePort()));
        set(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiRegistryPort", String.valueOf(freePort()));
        set(home.resolve("etc/org.apache.karaf.management.cfg"), "rmiServerPort", String.valueOf(freePort()));

        karaf = start();
        awaitUp();
        HttpResponse<String> deployed = send("POST", "/api/v1/workflows", "application/yaml", WORKFLOW);
        assertEquals(deployed.body(), 201, deployed.statusCode());
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            HttpResponse<String> started = send("POST", "/api/v1/workflows/crash-test/runs", "application/json", "{}");
            assertEquals(started.body(), 202, started.statusCode());
            runs.add(JSON.readTree(started.body()).path("runId").asText());
        }
        // every run past its first step, none at its last: the slow step is parked everywhere
        for (String run : runs) {
            awaitRun(run, r -> "WAITING".equals(step(r, "slow").path("state").asText()));
        }
        Map<String, JsonNode> before = new HashMap<>();
        for (String run : runs) {
            before.put(run, JSON.readTree(send("GET", "/api/v1/runs/" + run, null, null).body()));
        }
        // a token logged out before the crash stays refused after it; one still live keeps working
        String loggedOut = login();
        assertEquals(200, sendWith("Bearer " + loggedOut, "GET", "/api/v1/workflows").statusCode());
        assertEquals(204, sendWith("Bearer " + loggedOut, "POST", "/api/v1/auth/logout").statusCode());
        assertEquals(401, sendWith("Bearer " + loggedOut, "GET", "/api/v1/workflows").statusCode());
        String live = login();

        kill(karaf);
        karaf = start();
        awaitUp();

        HttpResponse<String> refused = sendWith("Bearer " + loggedOut, "GET", "/api/v1/workflows");
        assertEquals("a revoked token must stay revoked after a restart: " + refused.body(), 401, refused.statusCode());
        assertEquals(200, sendWith("Bearer " + live, "GET", "/api/v1/workflows").statusCode());

        for (String run : runs) {
            JsonNode after = awaitRun(run, r -> r.path("state").asText().equals("SUCCEEDED"));
            JsonNode earlier = before.get(run);
            for (String id : List.of("first", "side")) {
                if ("SUCCEEDED".equals(step(earlier, id).path("state").asText())) {
                    assertEquals(run + " " + id + " ran again", step(earlier, id).path("attempt").asInt(), step(after, id).path("attempt").asInt());
                    assertEquals(run + " " + id + " ran again", step(earlier, id).path("endedAt").asText(), step(after, id).path("endedAt").asText());
                }
            }
            // the delay was parked (WAITING) at the kill: it resumes in the same attempt and keeps its end time
            assertEquals("a parked step resumes, it does not start over", 1, step(after, "slow").path("attempt").asInt());
            String until = step(earlier, "slow").path("output").path("until").asText();
            assertFalse(run + " ended before its delay was over", java.time.Instant.parse(step(after, "slow").path("endedAt").asText())
                    .isBefore(java.time.Instant.parse(until)));
            String logs = send("GET", "/api/v1/runs/" + run + "/logs", null, null).body();
            assertEquals(logs, 1, count(logs, "first " + run));
            assertEquals(logs, 1, count(logs, "side " + run));
            assertEquals(logs, 1, count(logs, "last " + run));
        }
    }

    // ---- the distribution as a process ----

    private static Path unpack() throws Exception {
        Path tarball = Paths.get(System.getProperty("conflux.distribution"));
        Path target = Paths.get("target", "crash").toAbsolutePath();
        if (Files.exists(target)) {
            try (var walk = Files.walk(target)) {
                walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        Files.createDirectories(target);
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", target.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        try (var dirs = Files.list(target)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private Process start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console.log").toFile());
        builder.environment().put("JAVA_MAX_MEM", "512M");
        builder.environment().put("CONFLUX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        return builder.start();
    }

    /** SIGKILL to the JVM (and then its launcher script): no shutdown hook, no flush, nothing. */
    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle child : process.descendants().toList()) {
            child.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    /**
     * Up and settled: while bundles still register resources the JAX-RS whiteboard rebuilds the
     * application, and for a moment answers 404, so the API must answer five times in a row.
     */
    private void awaitUp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int inARow = 0;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> health = send("GET", "/api/v1/health", null, null);
                boolean up = health.statusCode() == 200 && health.body().contains("\"database\"")
                        && send("GET", "/api/v1/workflows", null, null).statusCode() == 200
                        && send("GET", "/api/v1/performance", null, null).statusCode() == 200;
                inARow = up ? inARow + 1 : 0;
                if (inARow == 5) {
                    return;
                }
            } catch (IOException notYet) {
                inARow = 0;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Conflux did not come up; see " + home.resolve("data/log/karaf.log"));
    }

    private JsonNode awaitRun(String runId, java.util.function.Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            run = JSON.readTree(send("GET", "/api/v1/runs/" + runId, null, null).body());
            if (condition.test(run)) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " did not get there: " + run);
    }

    private String login() throws Exception {
        HttpResponse<String> login = sendWith(null, "POST", "/api/v1/auth/login",
                "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}");
        assertEquals(login.body(), 200, login.statusCode());
        return JSON.readTree(login.body()).path("accessToken").asText();
    }

    private HttpResponse<String> sendWith(String authorization, String method, String path, String... json)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (json.length == 0) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json[0]));
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        ("admin:" + ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode step(JsonNode run, String id) {
        for (JsonNode step : run.path("steps")) {
            if (step.path("stepId").asText().equals(id) && !step.has("item")) {
                return step;
            }
        }
        throw new AssertionError("no step " + id + " in " + run);
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void set(Path file, String key, String value) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*" + Pattern.quote(key) + "\\s*=.*")) {
                lines.set(i, key + " = " + value);
                found = true;
            }
        }
        if (!found) {
            lines.add(key + " = " + value);
        }
        Files.write(file, lines);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
