package dev.conflux.platform.internal.openapi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.annotation.Annotation;
import java.util.Set;
import java.util.TreeSet;
import java.util.Comparator;

import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conflux.platform.internal.rest.HealthResource;
import dev.conflux.platform.internal.rest.InfoResource;
import dev.conflux.platform.internal.rest.OpenApiResource;

public class OpenApiDocumentTest {

    @Test
    public void describesTheGivenResourcesWithTheConfiguredInfo() throws Exception {
        Set<Class<?>> classes = new TreeSet<>(Comparator.comparing(Class::getName));
        classes.add(HealthResource.class);
        classes.add(InfoResource.class);
        classes.add(OpenApiResource.class);
        JsonNode doc = new ObjectMapper().readTree(OpenApiDocument.build(classes, config("Test API"), "1.2.3"));

        assertEquals("Test API", doc.path("info").path("title").asText());
        assertEquals("1.2.3", doc.path("info").path("version").asText());
        assertEquals("/api/v1", doc.path("servers").get(0).path("url").asText());
        assertEquals("getHealth", doc.path("paths").path("/health").path("get").path("operationId").asText());
        assertTrue(doc.path("paths").path("/health").path("get").path("responses").has("503"));
        assertTrue(doc.path("paths").has("/info"));
        assertFalse("the document does not describe itself", doc.path("paths").has("/openapi.json"));
    }

    private static OpenApiConfig config(String title) {
        return new OpenApiConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OpenApiConfig.class;
            }

            @Override
            public String title() {
                return title;
            }

            @Override
            public String description() {
                return "described";
            }

            @Override
            public String serverUrl() {
                return "/api/v1";
            }
        };
    }
}
