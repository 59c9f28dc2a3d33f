package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The security capability over real HTTP: deny by default for every resource in the live OpenAPI
 * document, roles, tokens, API keys, lockouts, the audit chain, and the shell commands.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecurityIT extends ConfluxTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct-horse-battery";

    @javax.inject.Inject
    protected org.osgi.service.cm.ConfigurationAdmin configAdmin;

    @Before
    public void up() {
        awaitHealthUp();
        awaitHttp("/api/v1/workflows", r -> r.statusCode() == 200, BOOT_TIMEOUT);
    }

    @Test
    public void everyResourceInTheOpenApiDocumentAnswers401WithoutCredentials() throws Exception {
        JsonNode document = JSON.readTree(get("/api/v1/openapi.json", "Authorization", NO_CREDENTIALS).body());
        Set<String> open = new TreeSet<>();
        Set<String> documentedOpen = new TreeSet<>();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1" + concrete))
                        .header("Content-Type", "application/json")
                        .method(method, method.equals("GET") || method.equals("DELETE")
                                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
                HttpResponse<String> response = send(request, "Authorization", NO_CREDENTIALS);
                checked++;
                if (op.getValue().has("security") && op.getValue().path("security").isEmpty()) {
                    documentedOpen.add(op.getValue().path("operationId").asText());
                }
                if (response.statusCode() != 401) {
                    open.add(op.getValue().path("operationId").asText() + " " + response.statusCode());
                    continue;
                }
                assertTrue(method + " " + concrete, response.headers().allValues("WWW-Authenticate").stream()
                        .anyMatch(v -> v.startsWith("Bearer")));
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            }
        }
        assertTrue("only " + checked + " operations in the document", checked >= 30);
        // only health, login and refresh are public (the OpenAPI document itself is hidden from itself);
        // login and refresh answer 400 to an empty body
        assertEquals(Set.of("getHealth 200", "login 400", "refreshToken 400"), open);
        assertEquals("the document says which operations need no credentials", Set.of("getHealth", "login", "refreshToken"),
                documentedOpen);
        assertTrue(document.path("components").path("securitySchemes").has("bearer"));
    }

    @Test
    public void aViewerReadsButGets403OnEveryWrite() throws Exception {
        createUser("vera", "viewer");
        String vera = basic("vera", PASSWORD);
        assertEquals(200, get("/api/v1/workflows", "Authorization", vera).statusCode());
        assertEquals(200, get("/api/v1/runs", "Authorization", vera).statusCode());
        assertEquals(200, get("/api/v1/step-types", "Authorization", vera).statusCode());
        HttpResponse<String> deploy = post("/api/v1/workflows", "application/yaml", "id: x\nsteps: []\n", "Authorization", vera);
        assertEquals(deploy.body(), 403, deploy.statusCode());
        assertTrue(deploy.body(), deploy.body().contains("urn:conflux:problem:forbidden"));
        assertEquals(403, post("/api/v1/pipeline/execute", "application/json", "{\"workflowId\":\"x\"}", "Authorization", vera)
                .statusCode());
        assertEquals(403, send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/workflows/x")).DELETE(),
                "Authorization", vera).statusCode());
        assertEquals(403, get("/api/v1/users", "Authorization", vera).statusCode());
        assertEquals(403, get("/api/v1/audit", "Authorization", vera).statusCode());

        HttpResponse<String> profile = get("/api/v1/users/profile", "Authorization", vera);
        assertEquals(200, profile.statusCode());
        assertEquals("[\"viewer\"]", JSON.readTree(profile.body()).path("roles").toString());
        HttpResponse<String> changed = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/users/profile"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"Vera V.\",\"preferences\":{\"theme\":\"dark\"}}")),
                "Authorization", vera);
        assertEquals(changed.body(), 200, changed.statusCode());
        assertEquals("dark", JSON.readTree(changed.body()).path("preferences").path("theme").asText());
        // a new password needs the old one
        HttpResponse<String> noOld = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/users/profile"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"newPassword\":\"another-long-password\"}")), "Authorization", vera);
        assertEquals(noOld.body(), 400, noOld.statusCode());

        String denied = JSON.readTree(get("/api/v1/audit?principal=vera&limit=100").body()).path("items").toString();
        assertTrue(denied, denied.contains("\"outcome\":\"denied\""));
    }

    @Test
    public void loginCallRefreshLogoutThenTheTokenIsRefused() throws Exception {
        createUser("otto", "operator");
        HttpResponse<String> login = post("/api/v1/auth/login", "application/json",
                "{\"username\":\"otto\",\"password\":\"" + PASSWORD + "\"}", "Authorization", NO_CREDENTIALS);
        assertEquals(login.body(), 200, login.statusCode());
        JsonNode tokens = JSON.readTree(login.body());
        assertEquals("Bearer", tokens.path("tokenType").asText());
        assertTrue(tokens.path("expiresIn").asLong() > 0 && tokens.path("expiresIn").asLong() <= 900);
        String access = "Bearer " + tokens.path("accessToken").asText();
        assertEquals(200, get("/api/v1/workflows", "Authorization", access).statusCode());

        HttpResponse<String> refreshed = post("/api/v1/auth/refresh", "application/json",
                "{\"refreshToken\":\"" + tokens.path("refreshToken").asText() + "\"}", "Authorization", NO_CREDENTIALS);
        assertEquals(refreshed.body(), 200, refreshed.statusCode());
        assertEquals("the access token a refresh replaced stops working", 401,
                get("/api/v1/workflows", "Authorization", access).statusCode());
        String second = "Bearer " + JSON.readTree(refreshed.body()).path("accessToken").asText();
        assertEquals(200, get("/api/v1/workflows", "Authorization", second).statusCode());

        assertEquals(204, post("/api/v1/auth/logout", "application/json", "", "Authorization", second).statusCode());
        HttpResponse<String> after = get("/api/v1/workflows", "Authorization", second);
        assertEquals(401, after.statusCode());
        assertTrue(after.body(), after.body().contains("revoked"));
        HttpResponse<String> reused = post("/api/v1/auth/refresh", "application/json",
                "{\"refreshToken\":\"" + JSON.readTree(refreshed.body()).path("refreshToken").asText() + "\"}",
                "Authorization", NO_CREDENTIALS);
        assertEquals("logout also revokes the refresh token", 401, reused.statusCode());

        HttpResponse<String> wrong = post("/api/v1/auth/login", "application/json",
                "{\"username\":\"otto\",\"password\":\"nope\"}", "Authorization", NO_CREDENTIALS);
        HttpResponse<String> nobody = post("/api/v1/auth/login", "application/json",
                "{\"username\":\"no-such-user\",\"password\":\"nope\"}", "Authorization", NO_CREDENTIALS);
        assertEquals(401, wrong.statusCode());
        assertEquals(401, nobody.statusCode());
        assertEquals("the answer must not tell whether the user exists",
                JSON.readTree(wrong.body()).path("detail"), JSON.readTree(nobody.body()).path("detail"));
    }

    @Test
    public void anApiKeyWorksUntilItIsRevoked() throws Exception {
        HttpResponse<String> created = post("/api/v1/apikeys", "application/json",
                "{\"name\":\"ci\",\"roles\":[\"operator\"]}");
        assertEquals(created.body(), 201, created.statusCode());
        JsonNode key = JSON.readTree(created.body());
        String secret = key.path("key").asText();
        assertTrue(secret, secret.startsWith("cfx_"));
        assertEquals(200, get("/api/v1/workflows", "X-API-Key", secret).statusCode());
        assertEquals(200, get("/api/v1/workflows", "Authorization", "Bearer " + secret).statusCode());
        assertEquals("the key carries its roles", 403, get("/api/v1/users", "X-API-Key", secret).statusCode());
        assertFalse("the listing never shows the secret", get("/api/v1/apikeys").body().contains(secret));

        assertEquals(204, send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/apikeys/" + key.path("id").asText()))
                .DELETE()).statusCode());
        assertEquals(401, get("/api/v1/workflows", "X-API-Key", secret).statusCode());
        assertEquals(401, get("/api/v1/workflows", "X-API-Key", secret.substring(0, secret.length() - 2) + "zz").statusCode());
    }

    @Test
    public void theWebConsoleAcceptsAnAdminAndRefusesAViewer() {
        createUser("wanda", "viewer");
        createUser("adele", "admin");
        assertEquals(200, get("/system/console/bundles", "Authorization", basic("adele", PASSWORD)).statusCode());
        assertEquals(401, get("/system/console/bundles", "Authorization", basic("wanda", PASSWORD)).statusCode());
    }

    @Test
    public void repeatedWrongPasswordsLockTheAccountAndAllAreAudited() throws Exception {
        createUser("lucy", "viewer");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, post("/api/v1/auth/login", "application/json",
                    "{\"username\":\"lucy\",\"password\":\"wrong-" + i + "\"}", "Authorization", NO_CREDENTIALS).statusCode());
        }
        HttpResponse<String> locked = post("/api/v1/auth/login", "application/json",
                "{\"username\":\"lucy\",\"password\":\"" + PASSWORD + "\"}", "Authorization", NO_CREDENTIALS);
        assertEquals(locked.body(), 429, locked.statusCode());
        assertTrue(locked.headers().firstValue("Retry-After").isPresent());
        assertEquals("Basic is locked too", 429, get("/api/v1/workflows", "Authorization", basic("lucy", PASSWORD)).statusCode());

        JsonNode audit = JSON.readTree(get("/api/v1/audit?principal=lucy&action=auth.login&limit=100").body()).path("items");
        int failures = 0;
        int denials = 0;
        for (JsonNode entry : audit) {
            failures += entry.path("outcome").asText().equals("failure") ? 1 : 0;
            denials += entry.path("outcome").asText().equals("denied") ? 1 : 0;
        }
        assertEquals(audit.toString(), 5, failures);
        assertEquals(audit.toString(), 2, denials);

        String unlocked = shell("security:unlock lucy");
        assertTrue(unlocked, unlocked.contains("Unlocked lucy"));
        assertEquals(200, post("/api/v1/auth/login", "application/json",
                "{\"username\":\"lucy\",\"password\":\"" + PASSWORD + "\"}", "Authorization", NO_CREDENTIALS).statusCode());
    }

    @Test
    public void aRowEditedInTheDatabaseBreaksTheAuditChainAtThatRow() throws Exception {
        createUser("eve", "viewer");
        String intact = shell("security:audit-verify");
        assertTrue(intact, intact.contains("Audit trail intact"));
        assertTrue(JSON.readTree(get("/api/v1/audit/verify").body()).path("intact").asBoolean());

        DataSource dataSource = awaitService(DataSource.class, "(dataSourceName=conflux)", Duration.ofSeconds(10));
        long seq;
        String original;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, detail FROM sec_audit WHERE action = 'user.create' AND target = 'eve'");
                    ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                seq = rs.getLong(1);
                original = rs.getString(2);
            }
            update(c, "UPDATE sec_audit SET detail = 'roles [admin]' WHERE seq = ?", seq);
        }
        try {
            JsonNode verify = JSON.readTree(get("/api/v1/audit/verify").body());
            assertFalse(verify.toString(), verify.path("intact").asBoolean());
            assertEquals(verify.toString(), seq, verify.path("brokenAt").asLong());
            try {
                shell("security:audit-verify");
                throw new AssertionError("audit-verify passed a tampered trail");
            } catch (IllegalStateException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("BROKEN at entry " + seq));
            }
        } finally {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE sec_audit SET detail = ? WHERE seq = ?")) {
                ps.setString(1, original);
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
        }
        assertTrue(JSON.readTree(get("/api/v1/audit/verify").body()).path("intact").asBoolean());
        String export = get("/api/v1/audit/export").body();
        assertTrue(export, export.lines().count() > 3 && export.lines().allMatch(l -> l.startsWith("{\"seq\":")));
    }

    @Test
    public void everyApiResponseCarriesSecurityHeadersAndBigBodiesAreRefused() {
        HttpResponse<String> health = get("/api/v1/health", "Authorization", NO_CREDENTIALS);
        assertEquals("nosniff", health.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("DENY", health.headers().firstValue("X-Frame-Options").orElse(null));
        assertEquals("no-store", health.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(health.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
        HttpResponse<String> cors = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/workflows"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                "Origin", "https://evil.example", "Access-Control-Request-Method", "POST");
        assertEquals("CORS is off by default", 403, cors.statusCode());
        HttpResponse<String> big = post("/api/v1/workflows", "application/yaml", "#" + "x".repeat(3 * 1024 * 1024));
        assertEquals(413, big.statusCode());
    }

    @Test
    public void theSecurityShellCommandsManageUsersKeysAndSessions() {
        String added = shell("security:user-add -r operator -p " + PASSWORD + " sam");
        assertTrue(added, added.contains("Added sam with roles [operator]"));
        assertTrue(shell("security:role-grant sam viewer").contains("[operator, viewer]"));
        assertTrue(shell("security:role-revoke sam viewer").contains("[operator]"));
        String list = shell("security:user-list");
        assertTrue(list, list.contains("sam") && list.contains("admin"));
        assertEquals(200, get("/api/v1/workflows", "Authorization", basic("sam", PASSWORD)).statusCode());
        shell("security:user-passwd -p another-long-password sam");
        assertEquals(401, get("/api/v1/workflows", "Authorization", basic("sam", PASSWORD)).statusCode());

        String key = shell("security:apikey-create -r viewer nightly-report");
        String id = key.lines().filter(l -> l.startsWith("Id:")).findFirst().orElseThrow().substring(3).strip();
        String secret = key.lines().filter(l -> l.startsWith("Key:")).findFirst().orElseThrow().substring(4).strip();
        assertEquals(200, get("/api/v1/runs", "X-API-Key", secret).statusCode());
        assertTrue(shell("security:apikey-list").contains("nightly-report"));
        shell("security:apikey-revoke " + id);
        assertEquals(401, get("/api/v1/runs", "X-API-Key", secret).statusCode());

        post("/api/v1/auth/login", "application/json", "{\"username\":\"sam\",\"password\":\"another-long-password\"}",
                "Authorization", NO_CREDENTIALS);
        assertTrue(shell("security:sessions").contains("sam"));
        String tail = shell("security:audit-tail -n 50");
        assertTrue(tail, tail.contains("apikey.revoke") && tail.contains("user.password"));
        assertTrue(shell("security:user-remove sam").contains("Removed sam"));
        // what other capabilities change outside REST reaches the same trail: a workflow command, a config edit
        shell("workflow:undeploy no-such-workflow");
        try {
            configAdmin.getConfiguration("conflux.probe", null).update(new java.util.Hashtable<>(Map.of("answer", "42")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        sleep(500);
        String trail = shell("security:audit-tail -n 20");
        assertTrue(trail, trail.contains("workflow.undeploy") && trail.contains("config.update") && trail.contains("conflux.probe"));
        assertFalse("values never reach the trail", trail.contains("42 "));
        assertEquals(401, get("/api/v1/workflows", "Authorization", basic("sam", "another-long-password")).statusCode());
    }

    @Test
    public void theSoapEndpointAdmitsTheSameUsersUnderTheSameRules() {
        awaitHttp("/services/workflow?wsdl", r -> r.statusCode() == 200, BOOT_TIMEOUT);
        assertEquals("the WSDL is public", 200, get("/services/workflow?wsdl", "Authorization", NO_CREDENTIALS).statusCode());
        HttpResponse<String> anonymous = soap("<w:listWorkflows><offset>0</offset><limit>10</limit></w:listWorkflows>",
                NO_CREDENTIALS);
        assertEquals(anonymous.body(), 401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        createUser("sofia", "viewer");
        String sofia = basic("sofia", PASSWORD);
        assertEquals(200, soap("<w:listWorkflows><offset>0</offset><limit>10</limit></w:listWorkflows>", sofia).statusCode());
        HttpResponse<String> deploy = soap("<w:deploy><document>id: soap-denied\nsteps: []</document></w:deploy>", sofia);
        assertEquals(deploy.body(), 403, deploy.statusCode());
        assertTrue(deploy.body(), deploy.body().contains("soap:Client"));
        String audit = get("/api/v1/audit?principal=sofia&action=soap.&limit=10").body();
        assertTrue(audit, audit.contains("soap.deploy") && audit.contains("denied"));
    }

    @Test
    public void servletsOnGuardedPathsNeedTheSameCredentialsAndSeeTheirCaller() throws Exception {
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/mcp/probe");
        props.put("osgi.http.whiteboard.servlet.name", "conflux-probe");
        org.osgi.framework.ServiceRegistration<javax.servlet.Servlet> registration = bundleContext.registerService(
                javax.servlet.Servlet.class, new javax.servlet.http.HttpServlet() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected void service(javax.servlet.http.HttpServletRequest req, javax.servlet.http.HttpServletResponse resp)
                            throws java.io.IOException {
                        resp.setContentType("text/plain");
                        resp.getWriter().write(req.getRemoteUser() + " operator=" + req.isUserInRole("operator"));
                    }
                }, props);
        try {
            awaitHttp("/mcp/probe", r -> r.statusCode() == 200, Duration.ofSeconds(20));
            HttpResponse<String> anonymous = get("/mcp/probe", "Authorization", NO_CREDENTIALS);
            assertEquals(anonymous.body(), 401, anonymous.statusCode());
            assertTrue(anonymous.body(), anonymous.body().contains("urn:conflux:problem:unauthorized"));
            assertEquals("admin operator=true", get("/mcp/probe").body());
            createUser("mia", "viewer");
            assertEquals("mia operator=false", get("/mcp/probe", "Authorization", basic("mia", PASSWORD)).body());
            assertEquals(403, post("/mcp/probe", "application/json", "{}", "Authorization", basic("mia", PASSWORD)).statusCode());
        } finally {
            registration.unregister();
        }
    }

    private HttpResponse<String> soap(String body, String authorization) {
        return post("/services/workflow", "text/xml; charset=utf-8",
                "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:w=\"urn:conflux:workflow:1\">"
                        + "<soapenv:Body>" + body + "</soapenv:Body></soapenv:Envelope>", "Authorization", authorization);
    }

    private void createUser(String name, String role) {
        HttpResponse<String> created = post("/api/v1/users", "application/json",
                "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"" + role + "\"]}");
        assertTrue(created.body(), created.statusCode() == 201 || created.statusCode() == 409);
    }

    private static void update(Connection c, String sql, long seq) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seq);
            assertEquals(1, ps.executeUpdate());
        }
    }
}
