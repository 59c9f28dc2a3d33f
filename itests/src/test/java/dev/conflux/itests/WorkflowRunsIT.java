package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventHandler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.step.StepContext;
import dev.conflux.api.step.StepResult;
import dev.conflux.api.step.StepType;
import dev.conflux.api.workflow.WorkflowService;

/** Runs of workflows on the running platform, driven through REST as a client would. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkflowRunsIT extends ConfluxTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Before
    public void up() {
        awaitHealthUp();
        awaitHttp("/api/v1/workflows", r -> r.statusCode() == 200, Duration.ofSeconds(30));
    }

    @Test
    public void aWorkflowDroppedIntoDeployRunsToSucceeded() throws Exception {
        drop("order-intake.yaml", WorkflowDefinitionsIT.ORDER_INTAKE);
        awaitHttp("/api/v1/workflows/order-intake", r -> r.statusCode() == 200, Duration.ofSeconds(10));

        HttpResponse<String> started = post("/api/v1/workflows/order-intake/runs", "application/json", "{\"orderId\": \"o-17\"}");
        assertEquals(started.body(), 202, started.statusCode());
        String runId = JSON.readTree(started.body()).path("runId").asText();
        assertTrue(started.headers().firstValue("Location").orElse("").endsWith("/api/v1/runs/" + runId));

        JsonNode run = awaitRun(runId, r -> r.path("state").asText().equals("SUCCEEDED"));
        assertEquals("o-17", run.path("inputs").path("orderId").asText());
        assertEquals("[{\"line\":1},{\"line\":2},{\"line\":3}]", step(run, "check-line").path("output").toString());
        assertEquals("SUCCEEDED", step(run, "notify").path("state").asText());
        assertTrue(get("/api/v1/runs/" + runId + "/logs").body().contains("order o-17 checked"));
        assertTrue(shell("workflow:status " + runId).contains("check-line[2]"));

        HttpResponse<String> invalid = post("/api/v1/workflows/order-intake/runs", "application/json", "{\"orderId\": 5}");
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body(), invalid.body().contains("$.orderId: integer found, string expected"));
        assertEquals(404, post("/api/v1/workflows/nope/runs", "application/json", "{}").statusCode());
        assertEquals(400, post("/api/v1/workflows/order-intake/runs", "application/json", "{\"orderId\": ").statusCode());
        assertEquals(404, get("/api/v1/runs/no-such-run").statusCode());
        assertEquals(400, get("/api/v1/runs?state=SLEEPING").statusCode());

        HttpResponse<String> hook = post("/api/v1/hooks/order-intake", "application/json", "{\"orderId\": \"hooked\"}");
        assertEquals(202, hook.statusCode());
        JsonNode hooked = awaitRun(JSON.readTree(hook.body()).path("runId").asText(), r -> r.path("state").asText().equals("SUCCEEDED"));
        assertEquals("webhook", hooked.path("trigger").asText());
        assertTrue(JSON.readTree(get("/api/v1/workflows/order-intake").body()).path("runCounts").path("SUCCEEDED").asInt() >= 2);
    }

    @Test
    public void independentStepsRunInParallel() throws Exception {
        deploy("id: parallel\nsteps:\n  - {id: a, type: delay, with: {duration: 1500ms}}\n  - {id: b, type: delay, with: {duration: 1500ms}}\n");
        String runId = start("parallel", "{}");
        JsonNode run = awaitRun(runId, r -> r.path("state").asText().equals("SUCCEEDED"));
        Instant aStart = Instant.parse(step(run, "a").path("startedAt").asText());
        Instant bStart = Instant.parse(step(run, "b").path("startedAt").asText());
        Instant aEnd = Instant.parse(step(run, "a").path("endedAt").asText());
        Instant bEnd = Instant.parse(step(run, "b").path("endedAt").asText());
        assertTrue("a and b overlapped", aStart.isBefore(bEnd) && bStart.isBefore(aEnd));
        assertTrue(Duration.between(run.has("createdAt") ? Instant.parse(run.path("createdAt").asText()) : aStart,
                Instant.parse(run.path("endedAt").asText())).toMillis() < 2900);
    }

    @Test
    public void pauseResumeCancelAndRetryThroughRest() throws Exception {
        deploy("id: slow-pair\nsteps:\n  - {id: a, type: delay, with: {duration: 1s}}\n  - {id: b, type: log, needs: [a], with: {message: b ran}}\n");
        String runId = start("slow-pair", "{}");
        assertEquals("PAUSED", JSON.readTree(post("/api/v1/runs/" + runId + "/pause", "application/json", "").body()).path("state").asText());
        JsonNode paused = awaitRun(runId, r -> "SUCCEEDED".equals(step(r, "a").path("state").asText()));
        sleep(300);
        paused = JSON.readTree(get("/api/v1/runs/" + runId).body());
        assertEquals("PAUSED", paused.path("state").asText());
        assertEquals("PENDING", step(paused, "b").path("state").asText());
        assertEquals(409, post("/api/v1/runs/" + runId + "/pause", "application/json", "").statusCode());
        assertEquals(200, post("/api/v1/pipeline/resume", "application/json", "{\"runId\": \"" + runId + "\"}").statusCode());
        awaitRun(runId, r -> r.path("state").asText().equals("SUCCEEDED"));
        HttpResponse<String> late = post("/api/v1/runs/" + runId + "/resume", "application/json", "");
        assertEquals(409, late.statusCode());
        assertTrue(late.body().contains("urn:conflux:problem:conflict"));

        deploy("id: long\nsteps:\n  - {id: a, type: delay, with: {duration: 30s}}\nonFailure:\n  - {id: alert, type: log, with: {message: x}}\n");
        String longRun = start("long", "{}");
        // a delay parks its step (WAITING): it holds no worker while it waits
        awaitRun(longRun, r -> "WAITING".equals(step(r, "a").path("state").asText()));
        assertEquals(200, post("/api/v1/runs/" + longRun + "/cancel", "application/json", "").statusCode());
        JsonNode cancelled = awaitRun(longRun, r -> r.path("state").asText().equals("CANCELLED"));
        assertEquals("CANCELLED", step(cancelled, "a").path("state").asText());
        assertNull(step(cancelled, "alert"));

        deploy("id: long\nsteps:\n  - {id: a, type: delay, with: {duration: 10ms}}\nonFailure:\n  - {id: alert, type: log, with: {message: x}}\n");
        HttpResponse<String> retried = post("/api/v1/runs/" + longRun + "/retry", "application/json", "");
        assertEquals(retried.body(), 200, retried.statusCode());
        // a run keeps its version: the retry runs the 30 s delay of version 1 again, so cancel it once more
        awaitRun(longRun, r -> "RUNNING".equals(r.path("state").asText()) && "WAITING".equals(step(r, "a").path("state").asText()));
        assertEquals(1, JSON.readTree(get("/api/v1/runs/" + longRun).body()).path("version").asInt());
        assertEquals(200, post("/api/v1/runs/" + longRun + "/cancel", "application/json", "").statusCode());
    }

    @Test
    public void thePipelineNamesStartListPauseAndResumeRunsAndUndeployCancelsThem() throws Exception {
        deploy("id: pipe\nsteps:\n  - {id: wait, type: delay, with: {duration: 60s}}\n");
        HttpResponse<String> started = post("/api/v1/pipeline/execute", "application/json", "{\"workflowId\": \"pipe\", \"inputs\": {}}");
        assertEquals(started.body(), 202, started.statusCode());
        String runId = JSON.readTree(started.body()).path("runId").asText();
        String second = JSON.readTree(post("/api/v1/pipeline/execute", "application/json", "{\"workflowId\": \"pipe\"}").body())
                .path("runId").asText();

        JsonNode active = awaitJson("/api/v1/pipeline/status", s -> s.path("active").toString().contains(second));
        assertTrue(active.toString(), active.path("active").toString().contains(runId));
        assertEquals(runId, JSON.readTree(get("/api/v1/pipeline/status?runId=" + runId).body()).path("runId").asText());
        assertEquals(404, get("/api/v1/pipeline/status?runId=no-such-run").statusCode());

        HttpResponse<String> paused = post("/api/v1/pipeline/pause", "application/json", "{\"runId\": \"" + runId + "\"}");
        assertEquals(paused.body(), "PAUSED", JSON.readTree(paused.body()).path("state").asText());
        JsonNode withPaused = JSON.readTree(get("/api/v1/pipeline/status").body());
        assertTrue(withPaused.toString(), withPaused.path("active").toString().contains("PAUSED"));
        assertEquals(withPaused.toString(), 1, withPaused.path("counts").path("PAUSED").asInt());
        assertTrue(withPaused.toString(), withPaused.path("counts").path("RUNNING").asInt() + withPaused.path("counts").path("PENDING").asInt() >= 1);
        HttpResponse<String> resumed = post("/api/v1/pipeline/resume", "application/json", "{\"runId\": \"" + runId + "\"}");
        assertEquals(resumed.body(), 200, resumed.statusCode());
        assertEquals(400, post("/api/v1/pipeline/pause", "application/json", "{}").statusCode());
        assertEquals(400, post("/api/v1/pipeline/execute", "application/json", "{\"inputs\": {}}").statusCode());
        assertEquals(404, post("/api/v1/pipeline/execute", "application/json", "{\"workflowId\": \"nope\"}").statusCode());

        // undeploying with cancelRuns cancels both, the paused-and-resumed one and the other
        HttpResponse<String> undeployed = send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(baseUrl() + "/api/v1/workflows/pipe?cancelRuns=true")).DELETE());
        assertEquals(undeployed.body(), 204, undeployed.statusCode());
        assertEquals("CANCELLED", awaitRun(runId, r -> r.path("state").asText().equals("CANCELLED")).path("state").asText());
        assertEquals("CANCELLED", awaitRun(second, r -> r.path("state").asText().equals("CANCELLED")).path("state").asText());
        String after = get("/api/v1/pipeline/status").body();
        assertTrue(after, !after.contains(runId) && !after.contains(second));
    }

    @Test
    public void aRunWaitsWhileItsStepTypeIsUninstalledAndFinishesWhenItReturns() throws Exception {
        Path jar = Paths.get(System.getProperty("conflux.sample.jar"));
        Path deployed = karafBase().resolve("deploy").resolve(jar.getFileName());
        copyAtomically(jar, deployed);
        awaitHttp("/api/v1/step-types", r -> r.body().contains("\"name\":\"text-case\""), Duration.ofSeconds(5));

        deploy("id: shout\nsteps:\n  - {id: pause, type: delay, with: {duration: 1500ms}}\n"
                + "  - {id: loud, type: text-case, needs: [pause], with: {text: \"${inputs.name}\", mode: upper}}\n");
        String runId = start("shout", "{\"name\": \"conflux\"}");
        Files.delete(deployed);
        awaitHttp("/api/v1/step-types", r -> !r.body().contains("\"name\":\"text-case\""), Duration.ofSeconds(5));

        JsonNode waiting = awaitRun(runId, r -> "WAITING_FOR_STEP_TYPE".equals(step(r, "loud").path("state").asText()));
        assertEquals("RUNNING", waiting.path("state").asText());

        copyAtomically(jar, deployed);
        JsonNode done = awaitRun(runId, r -> r.path("state").asText().equals("SUCCEEDED"));
        assertEquals("CONFLUX", step(done, "loud").path("output").path("text").asText());
        Files.delete(deployed);
    }

    @Test
    public void triggersStartRunsFromEventsAndSchedulesUntilUndeployed() throws Exception {
        deploy("id: on-event\ntriggers:\n  - event: conflux/test/order-received\n"
                + "steps:\n  - {id: a, type: log, with: {message: \"order ${inputs.orderId}\"}}\n");
        org.osgi.service.event.EventAdmin events = awaitService(org.osgi.service.event.EventAdmin.class, null, Duration.ofSeconds(5));
        events.sendEvent(new org.osgi.service.event.Event("conflux/test/order-received", java.util.Map.of("orderId", "ev-1")));
        JsonNode page = awaitJson("/api/v1/runs?workflow=on-event", p -> p.path("total").asInt() == 1);
        String eventRun = page.path("items").get(0).path("runId").asText();
        JsonNode run = awaitRun(eventRun, r -> r.path("state").asText().equals("SUCCEEDED"));
        assertEquals("event", run.path("trigger").asText());
        assertEquals("ev-1", run.path("inputs").path("orderId").asText());

        deploy("id: every-second\ntriggers:\n  - cron: \"* * * * * ?\"\nsteps:\n  - {id: a, type: log, with: {message: tick}}\n");
        awaitJson("/api/v1/runs?workflow=every-second&state=SUCCEEDED", p -> p.path("total").asInt() >= 2);
        assertEquals("cron", JSON.readTree(get("/api/v1/runs?workflow=every-second").body()).path("items").get(0).path("trigger").asText());
        assertEquals(204, send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/api/v1/workflows/every-second"))
                .DELETE()).statusCode());
        sleep(1500);
        long after = JSON.readTree(get("/api/v1/runs?workflow=every-second").body()).path("total").asLong();
        sleep(2500);
        assertEquals("an undeployed workflow's schedule stops", after,
                JSON.readTree(get("/api/v1/runs?workflow=every-second").body()).path("total").asLong());
    }

    @Test
    public void aWorkflowStepRunsAChildWorkflowAndReturnsItsOutputs() throws Exception {
        deploy("id: child\ninputs: {type: object, properties: {n: {type: integer}}}\n"
                + "steps:\n  - {id: double, type: transform, with: {value: \"${inputs.n * 2}\"}}\n");
        deploy("id: parent\nsteps:\n  - {id: call, type: workflow, with: {workflow: child, inputs: {n: 21}}}\n"
                + "  - {id: show, type: log, needs: [call], with: {message: \"${steps.call.output.outputs.double.value}\"}}\n");
        JsonNode run = awaitRun(start("parent", "{}"), r -> r.path("state").asText().equals("SUCCEEDED"));
        assertEquals("42", step(run, "show").path("output").path("message").asText());
        String childId = step(run, "call").path("output").path("runId").asText();
        JsonNode child = JSON.readTree(get("/api/v1/runs/" + childId).body());
        assertEquals("parent", child.path("trigger").asText());
        assertEquals("SUCCEEDED", child.path("state").asText());
    }

    @Test
    public void afterARestartTheTriggersOfEveryWorkflowAreArmedAlsoPastTheFirstPage() throws Exception {
        WorkflowService workflows = awaitService(WorkflowService.class, null, Duration.ofSeconds(5));
        List<String> deployed = new ArrayList<>();
        try {
            for (int i = 0; i < 510; i++) {
                deployed.add(workflows.deploy(String.format("id: bulk-%03d%nsteps:%n  - {id: a, type: log, with: {message: x}}%n", i),
                        "api").id());
            }
            // listed by id, so after the first 500
            deployed.add(workflows.deploy("id: zz-late-trigger\ntriggers:\n  - event: conflux/test/late\n"
                    + "steps:\n  - {id: a, type: log, with: {message: late}}\n", "api").id());
            Bundle engine = null;
            for (Bundle bundle : bundleContext.getBundles()) {
                if ("conflux-workflow".equals(bundle.getSymbolicName())) {
                    engine = bundle;
                }
            }
            engine.stop();
            engine.start();
            // armed while the triggers component starts, from the list of every deployed workflow
            awaitService(EventHandler.class, "(event.topics=conflux/test/late)", Duration.ofSeconds(30));
            awaitService(EventAdmin.class, null, Duration.ofSeconds(5)).sendEvent(new Event("conflux/test/late", Map.of()));
            JsonNode page = awaitJson("/api/v1/runs?workflow=zz-late-trigger", p -> p.path("total").asInt() == 1);
            assertEquals("event", page.path("items").get(0).path("trigger").asText());
        } finally {
            WorkflowService current = awaitService(WorkflowService.class, null, Duration.ofSeconds(30));
            deployed.forEach(current::undeploy);
        }
    }

    @Test
    public void retryingARunWhoseChildRunFailedRetriesTheChildToo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StepType flaky = new StepType() {
            @Override
            public String name() {
                return "fails-first";
            }

            @Override
            public String description() {
                return "fails the first time it is called, then succeeds";
            }

            @Override
            public StepResult execute(StepContext context) {
                return calls.incrementAndGet() == 1 ? StepResult.permanentFailure("not yet") : StepResult.success("done");
            }
        };
        ServiceRegistration<StepType> registration = bundleContext.registerService(StepType.class, flaky,
                new Hashtable<>(Map.of(StepType.TYPE_PROPERTY, "fails-first")));
        try {
            deploy("id: flaky-child\nsteps:\n  - {id: once, type: fails-first}\n");
            deploy("id: flaky-parent\nsteps:\n  - {id: call, type: workflow, with: {workflow: flaky-child}}\n");
            String runId = start("flaky-parent", "{}");
            JsonNode failed = awaitRun(runId, r -> r.path("state").asText().equals("FAILED"));
            // the failed step's output names the child run
            JsonNode call = step(failed, "call");
            String childId = call.path("output").path("runId").asText();
            assertEquals(failed.toString(), "FAILED", call.path("output").path("state").asText());
            assertEquals("FAILED", JSON.readTree(get("/api/v1/runs/" + childId).body()).path("state").asText());

            assertEquals(200, post("/api/v1/runs/" + runId + "/retry", "application/json", "").statusCode());
            JsonNode done = awaitRun(runId, r -> r.path("state").asText().equals("SUCCEEDED"));
            assertEquals("the same child run, retried", childId, step(done, "call").path("output").path("runId").asText());
            JsonNode child = JSON.readTree(get("/api/v1/runs/" + childId).body());
            assertEquals("SUCCEEDED", child.path("state").asText());
            assertEquals("done", step(child, "once").path("output").asText());
            assertEquals(2, calls.get());
            assertEquals("one child run, not a second", 1,
                    JSON.readTree(get("/api/v1/runs?workflow=flaky-child").body()).path("total").asLong());
        } finally {
            registration.unregister();
        }
    }

    @Test
    public void theSoapFaceServesItsWsdlRunsWorkflowsAndAnswersTypedFaults() throws Exception {
        HttpResponse<String> wsdl = awaitHttp("/services/workflow?wsdl", r -> r.statusCode() == 200, Duration.ofSeconds(20));
        for (String operation : new String[] {"deploy", "listWorkflows", "getWorkflow", "startRun", "getRun", "pause", "resume", "cancel"}) {
            assertTrue(operation, wsdl.body().contains("<wsdl:operation name=\"" + operation + "\">"));
        }
        assertTrue(wsdl.body().contains("WorkflowFault"));
        assertTrue("the port names where it answers", wsdl.body().matches(
                "(?s).*<soap:address location=\"http://[^\"]+/services/workflow\"/>.*"));
        // the SOAP face brings its own transport: CXF's shared one is off (etc/custom.properties), since
        // the JAX-RS whiteboard's servlets could take its registry and clear the endpoint from it at boot
        assertNull(bundleContext.getServiceReferences("org.apache.cxf.transport.http.HTTPTransportFactory", null));
        HttpResponse<String> nothing = get("/services/nope");
        assertEquals(404, nothing.statusCode());
        assertTrue(nothing.body(), nothing.body().contains("\"detail\":\"Nothing at /services/nope; the SOAP endpoint is /services/workflow"));

        String document = "id: soap-flow\nsteps:\n  - {id: a, type: transform, with: {x: \"${inputs.x}\"}}\n";
        HttpResponse<String> deployed = soap("<w:deploy><document><![CDATA[" + document + "]]></document></w:deploy>");
        assertEquals(deployed.body(), 200, deployed.statusCode());
        assertTrue(deployed.body(), deployed.body().contains("<id>soap-flow</id>"));
        long total = JSON.readTree(get("/api/v1/workflows").body()).path("total").asLong();
        HttpResponse<String> listed = soap("<w:listWorkflows><offset>0</offset><limit>500</limit></w:listWorkflows>");
        assertTrue(listed.body(), listed.body().contains("<total>" + total + "</total>"));
        assertTrue(listed.body(), listed.body().contains("<id>soap-flow</id>"));

        HttpResponse<String> started = soap("<w:startRun><workflowId>soap-flow</workflowId><inputsJson>{\"x\": 7}</inputsJson></w:startRun>");
        assertEquals(started.body(), 200, started.statusCode());
        String runId = started.body().replaceAll("(?s).*<runId>([^<]+)</runId>.*", "$1");
        JsonNode run = awaitRun(runId, r -> r.path("state").asText().equals("SUCCEEDED"));
        assertEquals("soap", run.path("trigger").asText());
        HttpResponse<String> read = soap("<w:getRun><runId>" + runId + "</runId></w:getRun>");
        assertTrue(read.body(), read.body().contains("<state>SUCCEEDED</state>"));
        assertTrue(read.body(), read.body().contains("<outputJson>{&quot;x&quot;:7}</outputJson>") || read.body().contains("<outputJson>{\"x\":7}</outputJson>"));

        HttpResponse<String> invalid = soap("<w:deploy><document>id: Bad\nsteps: []</document></w:deploy>");
        assertEquals(500, invalid.statusCode());
        assertTrue(invalid.body(), invalid.body().contains("WorkflowFault"));
        assertTrue(invalid.body(), invalid.body().contains("<type>urn:conflux:problem:validation-failed</type>"));
        assertTrue(invalid.body(), invalid.body().contains("<line>1</line>"));
        assertTrue(invalid.body(), invalid.body().contains("<faultcode>soap:Client</faultcode>"));
        // a value far over the document limit is refused while it is read, not held in memory whole
        HttpResponse<String> huge = soap("<w:deploy><document>" + "x".repeat(5 * 1024 * 1024) + "</document></w:deploy>");
        assertEquals(500, huge.statusCode());
        assertTrue(huge.body(), huge.body().contains("<faultcode>soap:Client</faultcode>"));
        assertTrue(huge.body(), huge.body().contains("Text size limit (4194304) exceeded"));
        HttpResponse<String> missing = soap("<w:getRun><runId>no-such-run</runId></w:getRun>");
        assertTrue(missing.body(), missing.body().contains("<status>404</status>"));
        assertTrue(missing.body(), missing.body().contains("<faultcode>soap:Client</faultcode>"));
        assertTrue(soap("<w:resume><runId>" + runId + "</runId></w:resume>").body().contains("<status>409</status>"));
    }

    private HttpResponse<String> soap(String body) {
        return post("/services/workflow", "text/xml; charset=utf-8",
                "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:w=\"urn:conflux:workflow:1\">"
                        + "<soapenv:Body>" + body + "</soapenv:Body></soapenv:Envelope>", "SOAPAction", "\"\"");
    }

    // ---- helpers ----

    private JsonNode awaitJson(String path, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = JSON.readTree(get(path).body());
            if (condition.test(last)) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError(path + " did not get there: " + last);
    }

    private void deploy(String yaml) {
        HttpResponse<String> response = post("/api/v1/workflows", "application/yaml", yaml);
        assertTrue(response.body(), response.statusCode() == 201 || response.statusCode() == 200);
    }

    private String start(String workflow, String inputs) throws Exception {
        HttpResponse<String> started = post("/api/v1/workflows/" + workflow + "/runs", "application/json", inputs);
        assertEquals(started.body(), 202, started.statusCode());
        return JSON.readTree(started.body()).path("runId").asText();
    }

    private JsonNode awaitRun(String runId, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            run = JSON.readTree(get("/api/v1/runs/" + runId).body());
            if (condition.test(run)) {
                return run;
            }
            sleep(50);
        }
        throw new AssertionError("run " + runId + " did not get there: " + run);
    }

    private static JsonNode step(JsonNode run, String stepId) {
        for (JsonNode step : run.path("steps")) {
            if (step.path("stepId").asText().equals(stepId) && !step.has("item")) {
                return step;
            }
        }
        return null;
    }

    private void drop(String name, String content) throws Exception {
        Path target = karafBase().resolve("deploy").resolve(name);
        Path staged = target.resolveSibling(name + ".tmp");
        Files.writeString(staged, content);
        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void copyAtomically(Path source, Path target) throws Exception {
        Path staged = Files.copy(source, target.resolveSibling(target.getFileName() + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
