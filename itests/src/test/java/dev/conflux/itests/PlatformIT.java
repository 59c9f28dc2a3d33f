package dev.conflux.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;
import javax.sql.DataSource;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.store.MigrationReport;
import dev.conflux.api.store.SchemaMigrator;

/** The platform's shared edges, as a client and an operator meet them on a running instance. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformIT extends ConfluxTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ConfigurationAdmin configAdmin;

    @Inject
    MetaTypeService metaTypes;

    @Before
    public void platformIsUp() {
        awaitHealthUp();
    }

    @Test
    public void healthAggregatesEveryComponent() throws Exception {
        HttpResponse<String> response = get("/api/v1/health");
        assertEquals(200, response.statusCode());
        JsonNode health = JSON.readTree(response.body());
        assertEquals("UP", health.path("status").asText());
        assertEquals("UP", health.path("components").path("database").path("status").asText());
        assertEquals("H2", health.path("components").path("database").path("details").path("product").asText());
        assertEquals("UP", health.path("components").path("bundles").path("status").asText());
    }

    @Test
    public void aDownComponentMakesHealth503UntilItRecovers() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        ServiceRegistration<dev.conflux.api.health.HealthContributor> broken = bundleContext.registerService(
                dev.conflux.api.health.HealthContributor.class, new dev.conflux.api.health.HealthContributor() {
                    @Override
                    public String name() {
                        return "probe-broken";
                    }

                    @Override
                    public dev.conflux.api.health.Health check() {
                        return dev.conflux.api.health.Health.down("the probe's disk is gone");
                    }
                }, props);
        try {
            HttpResponse<String> down = get("/api/v1/health");
            assertEquals(503, down.statusCode());
            JsonNode body = JSON.readTree(down.body());
            assertEquals("DOWN", body.path("status").asText());
            assertEquals("the probe's disk is gone", body.path("components").path("probe-broken").path("message").asText());
            assertTrue(shell("conflux:health").contains("probe-broken"));
        } finally {
            broken.unregister();
        }
        assertEquals(200, get("/api/v1/health").statusCode());
    }

    @Test
    public void openApiDescribesEveryResourceIncludingOnesRegisteredLater() throws Exception {
        JsonNode before = JSON.readTree(get("/api/v1/openapi.json").body());
        assertEquals("3.0.1", before.path("openapi").asText());
        assertTrue(before.path("paths").has("/health"));
        assertTrue(before.path("paths").has("/info"));
        assertFalse(before.path("paths").has("/probe/echo"));

        ServiceRegistration<EchoResource> echo = registerResource(EchoResource.class, new EchoResource());
        try {
            awaitHttp("/api/v1/probe/echo", r -> r.statusCode() == 200 && r.body().equals("echo"), Duration.ofSeconds(10));
            JsonNode after = JSON.readTree(get("/api/v1/openapi.json").body());
            assertTrue(after.toString(), after.path("paths").has("/probe/echo"));
        } finally {
            echo.unregister();
        }
        awaitHttp("/api/v1/probe/echo", r -> r.statusCode() == 404, Duration.ofSeconds(10));
        assertFalse(JSON.readTree(get("/api/v1/openapi.json").body()).path("paths").has("/probe/echo"));
    }

    @Test
    public void errorsAreProblemDetailsWithoutStackTraces() throws Exception {
        HttpResponse<String> notFound = get("/api/v1/no-such-thing");
        assertEquals(404, notFound.statusCode());
        assertEquals("application/problem+json", notFound.headers().firstValue("Content-Type").orElse(""));
        JsonNode problem = JSON.readTree(notFound.body());
        assertEquals("urn:conflux:problem:not-found", problem.path("type").asText());
        assertEquals(404, problem.path("status").asInt());
        assertEquals("/api/v1/no-such-thing", problem.path("instance").asText());

        HttpResponse<String> wrongMethod = post("/api/v1/health", "application/json", "{}");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("GET, HEAD, OPTIONS", wrongMethod.headers().firstValue("Allow").orElse(""));
        assertTrue(wrongMethod.body(), wrongMethod.body().contains("urn:conflux:problem:method-not-allowed"));

        ServiceRegistration<FailingResource> failing = registerResource(FailingResource.class, new FailingResource());
        try {
            awaitHttp("/api/v1/probe/fail/missing", r -> r.statusCode() == 404 && r.body().contains("widget 7"),
                    Duration.ofSeconds(10));

            HttpResponse<String> bug = get("/api/v1/probe/fail/bug");
            assertEquals(500, bug.statusCode());
            JsonNode internal = JSON.readTree(bug.body());
            assertEquals("urn:conflux:problem:internal-error", internal.path("type").asText());
            assertFalse(internal.path("incident").asText().isEmpty());
            assertFalse(bug.body(), bug.body().contains("NullPointerException"));
            assertFalse(bug.body(), bug.body().contains("at dev.conflux"));

            HttpResponse<String> badJson = post("/api/v1/probe/fail/echo", "application/json", "{\n  \"a\": 1,\n  \"b\": tru\n}");
            assertEquals(400, badJson.statusCode());
            JsonNode invalid = JSON.readTree(badJson.body());
            assertEquals("urn:conflux:problem:invalid-request", invalid.path("type").asText());
            assertEquals(3, invalid.path("errors").get(0).path("line").asInt());
            assertTrue(invalid.path("detail").asText(), invalid.path("detail").asText().contains("line 3"));

            HttpResponse<String> deep = post("/api/v1/probe/fail/echo", "application/json",
                    "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
            assertEquals(400, deep.statusCode());
            assertTrue(deep.body(), deep.body().contains("nesting"));

            HttpResponse<String> badNumber = get("/api/v1/runs?limit=abc");
            assertEquals(badNumber.body(), 400, badNumber.statusCode());
            assertTrue(badNumber.body(), badNumber.body().contains("wrong type") && badNumber.body().contains("abc"));
            assertEquals(404, get("/api/v1/no-such-thing?limit=abc").statusCode());

            HttpResponse<String> wrongType = post("/api/v1/probe/fail/echo", "text/csv", "a,b");
            assertEquals(415, wrongType.statusCode());
            assertTrue(wrongType.body(), wrongType.body().contains("urn:conflux:problem:unsupported-media-type"));
        } finally {
            failing.unregister();
        }
    }

    @Test
    public void swaggerUiShowsTheConfluxDocument() {
        HttpResponse<String> redirect = get("/api/docs");
        assertEquals(302, redirect.statusCode());
        assertTrue(redirect.headers().firstValue("Location").orElse("").endsWith("/api/docs/index.html"));
        HttpResponse<String> page = get("/api/docs/index.html");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("swagger-ui"));
        assertTrue(get("/api/docs/swagger-initializer.js").body().contains("/api/v1/openapi.json"));
        assertEquals(200, get("/api/docs/swagger-ui-bundle.js").statusCode());
    }

    @Test
    public void infoListsEveryCapabilityWithItsBundles() throws Exception {
        String info = shell("conflux:info");
        assertTrue(info, info.contains("Conflux 0.1.0"));
        assertTrue(info, info.matches("(?s).*conflux-platform\\s*\\|\\s*yes\\s*\\|\\s*conflux-api.*"));
        assertTrue(info, info.matches("(?s).*conflux-store\\s*\\|\\s*yes.*"));
        assertTrue(info, info.matches("(?s).*conflux-platform\\s*\\|\\s*0\\.1\\.0\\.SNAPSHOT\\s*\\|\\s*Active.*"));

        JsonNode rest = JSON.readTree(get("/api/v1/info").body());
        assertTrue(rest.path("version").asText().startsWith("0.1.0"));
        assertTrue(rest.path("capabilities").toString(), rest.path("capabilities").toString().contains("\"name\":\"conflux-store\""));

        String health = shell("conflux:health");
        assertTrue(health, health.contains("Conflux is UP"));
        assertTrue(health, health.matches("(?s).*database\\s*\\|\\s*UP.*"));
    }

    @Test
    public void configEditsApplyWithoutRestartAndAreDocumentedByMetatype() throws Exception {
        Configuration openapi = configAdmin.getConfiguration("dev.conflux.platform.openapi", null);
        Dictionary<String, Object> props = openapi.getProperties();
        Dictionary<String, Object> edited = new Hashtable<>();
        for (var keys = props.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            edited.put(key, props.get(key));
        }
        edited.put("title", "Probe API");
        openapi.update(edited);
        try {
            awaitHttp("/api/v1/openapi.json", r -> r.body().contains("\"title\":\"Probe API\""), Duration.ofSeconds(10));
        } finally {
            edited.put("title", "Conflux API");
            openapi.update(edited);
        }

        Bundle platform = bundle("conflux-platform");
        MetaTypeInformation platformTypes = metaTypes.getMetaTypeInformation(platform);
        assertEquals(List.of("dev.conflux.platform.api", "dev.conflux.platform.health", "dev.conflux.platform.openapi"),
                List.of(platformTypes.getPids()).stream().sorted().toList());
        assertNotNull(platformTypes.getObjectClassDefinition("dev.conflux.platform.health", null));
        assertEquals(List.of("dev.conflux.store"), List.of(metaTypes.getMetaTypeInformation(bundle("conflux-store")).getPids()));
        String meta = shell("config:meta dev.conflux.platform.health");
        assertTrue(meta, meta.contains("checkTimeoutMillis"));
    }

    @Test
    public void capabilitiesMigrateTheirOwnTablesInsideOsgi() throws Exception {
        SchemaMigrator migrator = awaitService(SchemaMigrator.class, null, Duration.ofSeconds(10));
        MigrationReport first = migrator.migrate("probe", getClass().getClassLoader());
        assertEquals(1, first.applied());
        assertEquals("1", first.version());
        assertEquals(0, migrator.migrate("probe", getClass().getClassLoader()).applied());

        DataSource dataSource = awaitService(DataSource.class, "(dataSourceName=conflux)", Duration.ofSeconds(10));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT label FROM probe_items WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals("migrated inside OSGi", rs.getString(1));
        }
    }

    @Test
    public void bundlesExportOnlyVersionedApiAndNeverInternals() {
        int checked = 0;
        for (Bundle bundle : bundleContext.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name == null || !name.startsWith("conflux-")) {
                continue;
            }
            checked++;
            String exports = bundle.getHeaders().get(Constants.EXPORT_PACKAGE);
            if (exports == null) {
                continue;
            }
            assertFalse(name + " exports an internal package: " + exports, exports.contains(".internal"));
            if (name.equals("conflux-api")) {
                for (String pkg : List.of("dev.conflux.api.step", "dev.conflux.api.health", "dev.conflux.api.event",
                        "dev.conflux.api.problem", "dev.conflux.api.store", "dev.conflux.api.workflow")) {
                    assertTrue(exports, exports.contains(pkg + ";version=\"1."));
                }
            }
        }
        assertTrue("expected the Conflux bundles, found " + checked, checked >= 3);
    }

    @Test
    public void theInitialAdminLogsInToTheWebConsoleAndNobodyElseDoes() throws Exception {
        java.nio.file.Path passwordFile = karafData().resolve("conflux/initial-admin-password");
        assertTrue(java.nio.file.Files.exists(passwordFile));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(passwordFile)));
        String password = java.nio.file.Files.readString(passwordFile).trim();
        assertTrue(password.length() >= 32);
        String users = java.nio.file.Files.readString(karafEtc().resolve("users.properties"));
        assertFalse("users.properties holds the password in clear", users.contains(password));

        assertEquals(401, get("/system/console/bundles", "Authorization", NO_CREDENTIALS).statusCode());
        assertEquals(401, get("/system/console/bundles", "Authorization", basic("admin", "admin")).statusCode());
        assertEquals(401, get("/system/console/bundles", "Authorization", basic("karaf", "karaf")).statusCode());
        assertEquals(200, get("/system/console/bundles", "Authorization", basic("admin", password)).statusCode());
    }

    private <T> ServiceRegistration<T> registerResource(Class<T> type, T resource) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.jaxrs.resource", Boolean.TRUE);
        props.put("osgi.jaxrs.extension.select", "(osgi.jaxrs.media.type=application/json)");
        return bundleContext.registerService(type, resource, props);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** A resource a bundle adds after the platform started. */
    @Path("probe/echo")
    public static class EchoResource {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String get() {
            return "echo";
        }
    }

    /** A resource with the failures a careless one has. */
    @Path("probe/fail")
    public static class FailingResource {
        @GET
        @Path("missing")
        public String missing() {
            throw ProblemException.notFound("widget 7 does not exist");
        }

        @GET
        @Path("bug")
        public String bug() {
            Object nothing = null;
            return nothing.toString();
        }

        @POST
        @Path("echo")
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> echo(Map<String, Object> body) {
            return body;
        }
    }
}
