package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Walks the live OpenAPI document and sends every operation bodies a client should never send:
 * malformed, truncated, of the wrong type, with fields of the wrong type, huge, deep, odd unicode,
 * empty, under a wrong or unknown Content-Type; with plausible and implausible path and query
 * values. Every answer must be below 500, and a 4xx of the API a problem document. All failures
 * are collected and reported together.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RestFuzzIT extends ConfluxTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String PASSWORD = "correct-horse-battery";
    private static final String BIG = "x".repeat(100_000);
    private static final String ODD = "\ud800\u0000\u202e\ufeff\ud83d\ude00\u0301";
    /** Path values Jetty refuses before any Conflux code sees them: its own 400 or 404 page, no problem document. */
    private static final List<String> REFUSED_BY_JETTY = List.of("%00", "..%2F..%2Fetc");

    /** The walk sends thousands of requests from one address and many failed logins: lift the limits for it. */
    @Override
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(super.config(),
                editConfigurationFilePut("etc/dev.conflux.security.cfg", "readRequestsPerMinute", "10000000"),
                editConfigurationFilePut("etc/dev.conflux.security.cfg", "writeRequestsPerMinute", "10000000"),
                editConfigurationFilePut("etc/dev.conflux.security.cfg", "loginRequestsPerMinute", "10000000"),
                editConfigurationFilePut("etc/dev.conflux.security.cfg", "lockoutAttemptsPerAddress", "10000000"),
                editConfigurationFilePut("etc/dev.conflux.security.cfg", "lockoutAttemptsPerAccount", "10000000"));
    }

    private record Body(String label, String contentType, byte[] bytes) {
        static Body of(String label, String contentType, String text) {
            return new Body(label, contentType, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private record Operation(String method, String template, String id, JsonNode spec) {
        /** Operations that end sessions or delete what the walk needs go last. */
        int order() {
            return id.equals("logout") ? 2 : method.equals("DELETE") ? 1 : 0;
        }
    }

    private final List<String> failures = new ArrayList<>();
    private final Map<String, String> plausible = new LinkedHashMap<>();
    private JsonNode document;
    private int sent;

    @Before
    public void up() {
        awaitHealthUp();
        awaitHttp("/api/v1/workflows", r -> r.statusCode() == 200, BOOT_TIMEOUT);
    }

    @Test
    public void everyOperationAnswersBadBodiesWithA4xxProblemNeverA5xx() throws Exception {
        prepareTargets();
        document = JSON.readTree(get("/api/v1/openapi.json").body());
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                        op.getValue().path("operationId").asText(), op.getValue()));
            }
        }
        operations.sort(Comparator.comparingInt(Operation::order));
        assertTrue("only " + operations.size() + " operations in the document", operations.size() >= 30);

        for (Operation operation : operations) {
            List<Body> bodies = bodiesFor(operation);
            List<String> paths = concretePaths(operation.template());
            for (String path : paths) {
                // every body with the plausible values; the bodies that fail early with each implausible one
                List<Body> sentHere = path.equals(paths.get(0)) ? bodies : bodies.subList(0, 6);
                for (Body body : sentHere) {
                    check(operation, path, body);
                }
            }
            for (String value : List.of("abc", "-1", "99999999999999999999", "1e999", "%F0%9F%98%80", "%ED%A0%80", "",
                    "x".repeat(3000))) {
                String query = queryWith(operation, value);
                if (query != null) {
                    check(operation, paths.get(0) + query, Body.of("{}", "application/json", "{}"));
                }
            }
        }
        assertTrue("only " + sent + " requests sent", sent > 1000);
        assertTrue(failures.size() + " of " + sent + " answers were wrong:\n" + String.join("\n", failures.subList(0,
                Math.min(60, failures.size()))), failures.isEmpty());
    }

    /** Something real for each kind of path parameter to point at: a workflow, a run, a user, a key, a metric. */
    private void prepareTargets() throws Exception {
        HttpResponse<String> deployed = post("/api/v1/workflows", "application/yaml",
                "id: fuzz-target\ninputs: {type: object}\nsteps:\n  - id: wait\n    type: delay\n    with: {duration: 10m}\n");
        assertTrue(deployed.body(), deployed.statusCode() == 201 || deployed.statusCode() == 200);
        HttpResponse<String> run = post("/api/v1/workflows/fuzz-target/runs", "application/json", "{}");
        assertEquals(run.body(), 202, run.statusCode());
        HttpResponse<String> user = post("/api/v1/users", "application/json",
                "{\"username\":\"fuzz-target\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}");
        assertEquals(user.body(), 201, user.statusCode());
        HttpResponse<String> key = post("/api/v1/apikeys", "application/json", "{\"name\":\"fuzz-target\",\"roles\":[\"viewer\"]}");
        assertEquals(key.body(), 201, key.statusCode());
        plausible.put("id", "fuzz-target");
        plausible.put("runId", JSON.readTree(run.body()).path("runId").asText());
        plausible.put("username", "fuzz-target");
        plausible.put("apikeys.id", JSON.readTree(key.body()).path("id").asText());
        JsonNode metrics = JSON.readTree(get("/api/v1/metrics").body());
        plausible.put("name", metrics.path(0).path("name").asText("conflux.runs.started"));
    }

    private List<String> concretePaths(String template) {
        Matcher parameter = Pattern.compile("\\{([^}]+)}").matcher(template);
        List<String> names = new ArrayList<>();
        while (parameter.find()) {
            names.add(parameter.group(1));
        }
        List<String> paths = new ArrayList<>();
        paths.add(fill(template, name -> template.startsWith("/apikeys") ? plausible.get("apikeys.id") : plausible.get(name)));
        if (names.isEmpty()) {
            return paths;
        }
        List<String> implausible = new ArrayList<>(List.of("no-such-thing", "x".repeat(2000), "%F0%9F%98%80", "%ED%A0%80",
                "%E2%80%AE%C3%A9", "-1", "99999999999999999999", "%27%20OR%201%3D1--", "%20", "profile"));
        implausible.addAll(REFUSED_BY_JETTY);
        for (String value : implausible) {
            paths.add(fill(template, name -> value));
        }
        return paths;
    }

    private static String fill(String template, java.util.function.Function<String, String> value) {
        Matcher parameter = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder filled = new StringBuilder();
        while (parameter.find()) {
            parameter.appendReplacement(filled, Matcher.quoteReplacement(value.apply(parameter.group(1))));
        }
        parameter.appendTail(filled);
        return filled.toString();
    }

    private String queryWith(Operation operation, String value) {
        StringBuilder query = new StringBuilder();
        for (JsonNode parameter : operation.spec().path("parameters")) {
            if (parameter.path("in").asText().equals("query")) {
                query.append(query.length() == 0 ? "?" : "&").append(parameter.path("name").asText()).append('=').append(value);
            }
        }
        return query.length() == 0 ? null : query.toString();
    }

    /** The first six are sent with every implausible path value too. */
    private List<Body> bodiesFor(Operation operation) {
        List<Body> bodies = new ArrayList<>();
        bodies.add(Body.of("malformed JSON", "application/json", "{\"a\": tru"));
        bodies.add(Body.of("empty body", "application/json", ""));
        bodies.add(Body.of("top-level array", "application/json", "[]"));
        bodies.add(Body.of("top-level null", "application/json", "null"));
        bodies.add(Body.of("unknown charset", "application/json; charset=x-no-such", "{}"));
        bodies.add(Body.of("wrong Content-Type", "text/csv", "a,b\n1,2"));
        bodies.add(Body.of("truncated JSON", "application/json", "{\"name\": \"x\", \"roles\": [\"oper"));
        bodies.add(Body.of("top-level string", "application/json", "\"text\""));
        bodies.add(Body.of("top-level number", "application/json", "42"));
        bodies.add(Body.of("top-level boolean", "application/json", "true"));
        bodies.add(Body.of("array of nulls", "application/json", "[null, null]"));
        bodies.add(Body.of("huge exponent", "application/json", "{\"a\": 1e999999}"));
        bodies.add(Body.of("5000-digit number", "application/json", "{\"a\": " + "9".repeat(5000) + "}"));
        bodies.add(Body.of("deep nesting", "application/json", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
        bodies.add(Body.of("odd unicode", "application/json", "{\"a\": \"\\ud800\\u0000\\u202e" + ODD + "\"}"));
        bodies.add(new Body("invalid UTF-8", "application/json", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'}));
        bodies.add(Body.of("byte order mark", "application/json", "\ufeff{}"));
        bodies.add(Body.of("UTF-16 charset", "application/json; charset=UTF-16", "{}"));
        bodies.add(Body.of("XML", "application/xml", "<a/>"));
        bodies.add(Body.of("form", "application/x-www-form-urlencoded", "a=1&b=2"));
        bodies.add(Body.of("no Content-Type", null, "{}"));
        bodies.add(Body.of("3 MiB", "application/json", "{\"a\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}"));
        JsonNode schema = requestSchema(operation);
        if (schema != null) {
            bodies.addAll(mistypedFields(schema));
        }
        if (operation.spec().path("requestBody").path("content").has("application/yaml")) {
            bodies.addAll(workflowDocuments());
        }
        return bodies;
    }

    private JsonNode requestSchema(Operation operation) {
        for (JsonNode content : operation.spec().path("requestBody").path("content")) {
            JsonNode schema = content.path("schema");
            if (schema.has("$ref")) {
                String name = schema.path("$ref").asText().replaceAll(".*/", "");
                return document.path("components").path("schemas").path(name);
            }
            if (!schema.isMissingNode()) {
                return schema;
            }
        }
        return null;
    }

    /** Each field of the schema in turn holds values of the wrong type, the others plausible ones. */
    private List<Body> mistypedFields(JsonNode schema) {
        List<Body> bodies = new ArrayList<>();
        JsonNode properties = schema.path("properties");
        if (properties.isEmpty()) {
            // a free-form object (a run's inputs): odd values under made-up names
            for (String value : List.of("{\"a\":null}", "{\"a\":1e999}", "{\"a\":{\"b\":[1,[2,{\"c\":null}]]}}",
                    "{\"" + BIG + "\":1}", "{\"a\":\"" + BIG + "\"}", "{\"\":\"\"}", "{\"a\":1,\"a\":2}")) {
                bodies.add(Body.of("object " + abbreviate(value), "application/json", value));
            }
            return bodies;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = properties.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String type = field.getValue().path("type").asText();
            List<JsonNode> wrong = new ArrayList<>(List.of(NODES.nullNode(), NODES.objectNode(), NODES.booleanNode(true)));
            switch (type) {
                case "array" -> {
                    wrong.add(NODES.textNode("text"));
                    wrong.add(NODES.numberNode(1));
                    wrong.add(NODES.arrayNode().addNull());
                    wrong.add(NODES.arrayNode().add(1));
                    wrong.add(NODES.arrayNode().add(NODES.objectNode()));
                    wrong.add(NODES.arrayNode().add(NODES.arrayNode()));
                    wrong.add(NODES.arrayNode().add(BIG));
                    ArrayNode many = NODES.arrayNode();
                    for (int i = 0; i < 5000; i++) {
                        many.add("viewer");
                    }
                    wrong.add(many);
                }
                case "integer", "number" -> {
                    wrong.add(NODES.textNode("abc"));
                    wrong.add(NODES.arrayNode());
                    wrong.add(NODES.numberNode(new java.math.BigInteger("9".repeat(40))));
                }
                case "object" -> {
                    wrong.add(NODES.textNode("text"));
                    wrong.add(NODES.arrayNode().add(1));
                    ObjectNode big = NODES.objectNode();
                    big.put("a", BIG);
                    wrong.add(big);
                }
                default -> {
                    wrong.add(NODES.numberNode(1));
                    wrong.add(NODES.numberNode(new java.math.BigInteger("9".repeat(40))));
                    wrong.add(NODES.arrayNode().add("a"));
                    wrong.add(NODES.textNode(BIG));
                    wrong.add(NODES.textNode(ODD));
                    wrong.add(NODES.textNode(""));
                }
            }
            for (JsonNode value : wrong) {
                ObjectNode body = plausibleObject(properties);
                body.set(field.getKey(), value);
                bodies.add(Body.of(field.getKey() + "=" + abbreviate(value.toString()), "application/json", body.toString()));
            }
        }
        return bodies;
    }

    /** Known field names with values that would pass; never a password change, which could lock the admin out. */
    private ObjectNode plausibleObject(JsonNode properties) {
        ObjectNode body = NODES.objectNode();
        for (Iterator<String> names = properties.fieldNames(); names.hasNext();) {
            String name = names.next();
            switch (name) {
                case "username" -> body.put(name, "fuzz-" + sent);
                case "password" -> body.put(name, PASSWORD);
                case "roles" -> body.set(name, NODES.arrayNode().add("viewer"));
                case "name" -> body.put(name, "fuzz");
                case "displayName" -> body.put(name, "Fuzz");
                case "email" -> body.put(name, "fuzz@example.com");
                case "expiresAt" -> body.put(name, "2030-01-31T00:00:00Z");
                case "workflowId" -> body.put(name, "fuzz-target");
                case "runId" -> body.put(name, plausible.get("runId"));
                case "refreshToken" -> body.put(name, "not-a-token");
                case "preferences", "inputs" -> body.set(name, NODES.objectNode());
                default -> {
                    // currentPassword, newPassword and anything unknown stay out
                }
            }
        }
        return body;
    }

    private static List<Body> workflowDocuments() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'h'; c++) {
            String previous = "*" + (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [").append(String.join(", ", java.util.Collections.nCopies(9, previous)))
                    .append("]\n");
        }
        return List.of(
                Body.of("YAML alias bomb", "application/yaml", bomb.toString()),
                Body.of("YAML global tag", "application/yaml", "id: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader "
                        + "[[!!java.net.URL [\"http://localhost/\"]]]]\nsteps: []\n"),
                Body.of("YAML malformed", "application/yaml", "id: [x\nsteps: {"),
                Body.of("YAML odd steps", "application/yaml", "id: fuzz-odd\nsteps: [null, 1, {id: null}, {id: a, type: null}]\n"),
                Body.of("YAML odd values", "application/yaml", "id: fuzz-odd\nsteps:\n  - id: a\n    type: delay\n"
                        + "    retry: {max: 99999999999999999999, backoff: -5}\n    timeout: 1e999\n    with: {duration: [1]}\n"),
                Body.of("JSON mistyped workflow", "application/json", "{\"id\": 1, \"steps\": {\"a\": 1}, \"triggers\": 5, \"inputs\": [1]}"),
                Body.of("YAML huge key", "text/yaml", "id: fuzz-odd\n" + "k".repeat(200_000) + ": 1\nsteps: []\n"),
                Body.of("YAML deep", "application/yaml", "id: fuzz-odd\nsteps: " + "[".repeat(5000) + "]".repeat(5000) + "\n"));
    }

    private void check(Operation operation, String path, Body body) {
        sent++;
        String what = operation.method() + " " + path.substring(0, Math.min(path.length(), 80)) + " (" + operation.id()
                + ") with " + body.label() + (body.contentType() == null ? "" : " as " + body.contentType());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1" + path))
                .method(operation.method(), HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (body.contentType() != null) {
            request.header("Content-Type", body.contentType());
        }
        HttpResponse<String> response;
        try {
            response = send(request);
        } catch (RuntimeException e) {
            failures.add(what + " -> no answer: " + e.getMessage());
            return;
        }
        int status = response.statusCode();
        String answer = " -> " + status + " " + response.headers().firstValue("Content-Type").orElse("") + " "
                + abbreviate(response.body());
        if (status >= 500) {
            failures.add(what + answer);
        } else if (status >= 400 && !refusedByJetty(path, status) && !problem(response)) {
            failures.add(what + " -> a " + status + " that is not a problem document:" + answer);
        }
    }

    /** Jetty answers these itself, before any Conflux code runs: a bad path or a request line over its 8 KiB. */
    private static boolean refusedByJetty(String path, int status) {
        return REFUSED_BY_JETTY.stream().anyMatch(path::contains) || status == 414 && path.length() > 4096;
    }

    private static boolean problem(HttpResponse<String> response) {
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return false;
        }
        try {
            return JSON.readTree(response.body()).path("status").asInt() == response.statusCode();
        } catch (Exception e) {
            return false;
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 160) + "...";
    }
}
