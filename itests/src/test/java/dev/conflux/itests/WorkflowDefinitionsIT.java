package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Workflow definitions through every face: REST, the shell and files in deploy/. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkflowDefinitionsIT extends ConfluxTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The reference workflow: samples/workflows/order-intake.yaml. */
    static final String ORDER_INTAKE = sampleWorkflow();

    @Before
    public void up() {
        awaitHealthUp();
        awaitHttp("/api/v1/workflows", r -> r.statusCode() == 200, Duration.ofSeconds(30));
    }

    @Test
    public void deployingAgainMakesVersionsAndTheSameDocumentChangesNothing() throws Exception {
        HttpResponse<String> first = post("/api/v1/workflows", "application/yaml", ORDER_INTAKE);
        assertEquals(first.body(), 201, first.statusCode());
        assertTrue(first.headers().firstValue("Location").orElse("").endsWith("/api/v1/workflows/order-intake"));
        JsonNode created = JSON.readTree(first.body());
        int version = created.path("version").asInt();
        assertEquals(0, created.path("warnings").size());

        HttpResponse<String> same = post("/api/v1/workflows", "application/yaml", ORDER_INTAKE);
        assertEquals(200, same.statusCode());
        assertEquals(version, JSON.readTree(same.body()).path("version").asInt());
        assertFalse(JSON.readTree(same.body()).path("created").asBoolean());

        String edited = ORDER_INTAKE.replace("Fetch an order", "Fetch one order");
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/workflows/order-intake"))
                .header("Content-Type", "application/yaml").PUT(HttpRequest.BodyPublishers.ofString(edited)));
        assertEquals(put.body(), 201, put.statusCode());
        assertEquals(version + 1, JSON.readTree(put.body()).path("version").asInt());

        JsonNode details = JSON.readTree(get("/api/v1/workflows/order-intake").body());
        assertEquals(version + 1, details.path("summary").path("version").asInt());
        assertEquals(version + 1, details.path("versions").size());
        assertTrue(details.path("source").asText().contains("Fetch one order"));
        assertTrue(get("/api/v1/workflows/order-intake/source?version=" + version).body().contains("Fetch an order"));

        HttpResponse<String> wrongId = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/workflows/other"))
                .header("Content-Type", "application/yaml").PUT(HttpRequest.BodyPublishers.ofString(edited)));
        assertEquals(400, wrongId.statusCode());
        assertTrue(wrongId.body(), wrongId.body().contains("the URL names 'other'"));
    }

    @Test
    public void anInvalidDocumentIsRefusedWithEveryErrorAndNothingIsStored() throws Exception {
        String invalid = """
                id: half-baked
                steps:
                  - id: a
                    type: log
                    needs: [ghost]
                  - id: b
                    type: log
                    timeout: soon
                    with: {x: "${inputs.a +}"}
                """;
        HttpResponse<String> response = post("/api/v1/workflows", "application/yaml", invalid);
        assertEquals(400, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode problem = JSON.readTree(response.body());
        assertEquals("urn:conflux:problem:validation-failed", problem.path("type").asText());
        assertEquals(3, problem.path("errors").size());
        assertEquals(5, problem.path("errors").get(0).path("line").asInt());
        assertEquals(13, problem.path("errors").get(0).path("column").asInt());
        assertEquals(404, get("/api/v1/workflows/half-baked").statusCode());

        HttpResponse<String> json = post("/api/v1/workflows", "application/json", "{\"id\": \"j\", \"steps\": [");
        assertEquals(400, json.statusCode());
        assertTrue(json.body(), json.body().contains("not valid YAML or JSON"));

        HttpResponse<String> huge = post("/api/v1/workflows", "application/yaml", "id: x\ndescription: " + "y".repeat(1_100_000));
        assertEquals(413, huge.statusCode());
        assertTrue(huge.body().contains("urn:conflux:problem:payload-too-large"));

        assertEquals(404, get("/api/v1/workflows/nope").statusCode());
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/workflows/nope")).DELETE()).statusCode());
    }

    @Test
    public void filesInDeployAreDeployedUpdatedAndUndeployedAndBadOnesAreListed() throws Exception {
        Path deploy = karafBase().resolve("deploy");
        Path file = deploy.resolve("dropped.yaml");
        write(file, ORDER_INTAKE.replace("order-intake", "dropped"));
        awaitHttp("/api/v1/workflows/dropped", r -> r.statusCode() == 200, Duration.ofSeconds(10));
        assertEquals("file:dropped.yaml", JSON.readTree(get("/api/v1/workflows/dropped").body()).path("summary").path("origin").asText());

        write(file, ORDER_INTAKE.replace("order-intake", "dropped").replace("Fetch an order", "Edited"));
        awaitHttp("/api/v1/workflows/dropped", r -> r.body().contains("Edited"), Duration.ofSeconds(10));
        assertEquals(2, JSON.readTree(get("/api/v1/workflows/dropped").body()).path("versions").size());

        Path broken = deploy.resolve("broken.yaml");
        write(broken, "id: broken\nsteps:\n  - id: a\n    type: log\n    timeout: soon\n");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String list = shell("workflow:list");
        while (!list.contains("broken.yaml:5:14") && System.nanoTime() < deadline) {
            sleep(200);
            list = shell("workflow:list");
        }
        assertTrue(list, list.contains("broken.yaml:5:14 steps[0].timeout: 'soon' is not a duration"));
        assertEquals(404, get("/api/v1/workflows/broken").statusCode());

        Files.delete(file);
        awaitHttp("/api/v1/workflows/dropped", r -> r.statusCode() == 404, Duration.ofSeconds(10));
        Files.delete(broken);
    }

    @Test
    public void theShellValidatesDeploysAndListsStepTypes() throws Exception {
        Path doc = Files.createTempFile("shell-flow", ".yaml");
        Files.writeString(doc, "id: shell-flow\nsteps:\n  - id: a\n    type: text-case\n    with: {text: hi}\n  - {id: b, type: log, needs: [a, c]}\n");
        String validation = shell("workflow:validate " + doc);
        assertTrue(validation, validation.contains(":6:35 steps[1].needs: unknown step 'c' in needs"));
        assertTrue(validation, validation.contains("has 1 error(s)"));

        Files.writeString(doc, "id: shell-flow\nsteps:\n  - id: a\n    type: text-case\n    with: {text: hi}\n");
        String deployed = shell("workflow:deploy " + doc);
        assertTrue(deployed, deployed.contains("Deployed shell-flow version 1"));
        assertTrue(deployed, deployed.contains("warning: 4:11 steps[0].type: no installed bundle provides step type 'text-case'"));
        assertTrue(shell("workflow:info shell-flow").contains("shell-flow version 1"));
        assertTrue(shell("workflow:undeploy shell-flow").contains("Undeployed shell-flow"));

        String types = shell("workflow:step-types");
        for (String type : new String[] {"delay", "fail", "log", "transform"}) {
            assertTrue(types, types.contains(type));
        }
        JsonNode rest = JSON.readTree(get("/api/v1/step-types").body());
        assertTrue(rest.toString(), rest.toString().contains("\"name\":\"log\""));
        assertTrue(rest.toString(), rest.toString().contains("\"required\":[\"message\"]"));
    }

    private static void write(Path target, String content) throws Exception {
        Path staged = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(staged, content);
        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
