package dev.conflux.platform.internal.openapi;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import javax.ws.rs.Path;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import java.lang.reflect.Method;
import java.util.HashSet;
import javax.annotation.security.DenyAll;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;

/**
 * The OpenAPI 3 document of every JAX-RS resource registered on the whiteboard, by any bundle.
 * The document is rebuilt on the next request after a resource comes or goes or the config changes.
 */
@Component(service = OpenApiDocument.class, configurationPid = OpenApiConfig.PID)
@Designate(ocd = OpenApiConfig.class)
public class OpenApiDocument {

    private static final Logger LOG = LoggerFactory.getLogger(OpenApiDocument.class);
    private static final String RESOURCES = "(osgi.jaxrs.resource=true)";

    private final BundleContext context;
    private final ServiceTracker<Object, Object> resources;
    /** Bumped by every change that makes the document stale; a build only caches if none came meanwhile. */
    private final AtomicLong generation = new AtomicLong();
    private volatile OpenApiConfig config;
    private volatile Cached cached;

    private record Cached(long generation, String json) {
    }

    @Activate
    public OpenApiDocument(BundleContext context, OpenApiConfig config) throws InvalidSyntaxException {
        this.context = context;
        this.config = config;
        this.resources = new ServiceTracker<>(context, context.createFilter(RESOURCES), null) {
            @Override
            public Object addingService(ServiceReference<Object> reference) {
                generation.incrementAndGet();
                return reference;
            }

            @Override
            public void modifiedService(ServiceReference<Object> reference, Object service) {
                generation.incrementAndGet();
            }

            @Override
            public void removedService(ServiceReference<Object> reference, Object service) {
                generation.incrementAndGet();
            }
        };
        resources.open();
    }

    @Modified
    void modified(OpenApiConfig newConfig) {
        this.config = newConfig;
        generation.incrementAndGet();
    }

    @Deactivate
    void deactivate() {
        resources.close();
    }

    /** The document as JSON. */
    public String json() {
        long current = generation.get();
        Cached hit = cached;
        if (hit != null && hit.generation() == current) {
            return hit.json();
        }
        String document = build(resourceClasses(), config, context.getBundle().getVersion().toString());
        // a resource or the config may have changed while building: then the next request rebuilds
        if (generation.get() == current) {
            cached = new Cached(current, document);
        }
        return document;
    }

    /**
     * The HTTP methods the resources answer at {@code path} (relative to the API base, such as
     * {@code /workflows/x}), from the document itself; empty when no resource has that path.
     */
    public Set<String> allowedMethods(String path) {
        Set<String> methods = new TreeSet<>();
        try {
            com.fasterxml.jackson.databind.JsonNode paths = Json.mapper().readTree(json()).path("paths");
            paths.fieldNames().forEachRemaining(template -> {
                String regex = java.util.regex.Pattern.quote(template).replaceAll("\\{[^}]+\\}", "\\\\E[^/]+\\\\Q");
                if (path.matches(regex)) {
                    paths.path(template).fieldNames().forEachRemaining(method -> methods.add(method.toUpperCase(java.util.Locale.ROOT)));
                }
            });
        } catch (JsonProcessingException e) {
            LOG.debug("Cannot read the OpenAPI document", e);
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        if (!methods.isEmpty()) {
            methods.add("OPTIONS");
        }
        return methods;
    }

    private Set<Class<?>> resourceClasses() {
        ServiceReference<Object>[] references = resources.getServiceReferences();
        Set<Class<?>> classes = new TreeSet<>(Comparator.comparing(Class::getName));
        if (references == null) {
            return classes;
        }
        for (ServiceReference<Object> reference : references) {
            Class<?> type = resourceClass(reference);
            if (type != null) {
                classes.add(type);
            }
        }
        return classes;
    }

    /** The class of a resource service, from its registered names or else from an instance. */
    private Class<?> resourceClass(ServiceReference<Object> reference) {
        String[] names = (String[]) reference.getProperty(Constants.OBJECTCLASS);
        for (String name : names) {
            try {
                Class<?> type = reference.getBundle() == null ? null : reference.getBundle().loadClass(name);
                if (type != null && type.isAnnotationPresent(Path.class)) {
                    return type;
                }
            } catch (ClassNotFoundException e) {
                LOG.debug("Resource service class {} is not visible from its bundle", name, e);
            }
        }
        ServiceObjects<Object> objects = context.getServiceObjects(reference);
        if (objects == null) {
            return null;
        }
        Object service = objects.getService();
        try {
            return service == null ? null : service.getClass();
        } finally {
            if (service != null) {
                objects.ungetService(service);
            }
        }
    }

    /** Operations anyone may call ({@code @PermitAll}) need no credentials: an empty security list says so. */
    static void markPublic(OpenAPI document, Set<Class<?>> classes) {
        Set<String> open = new HashSet<>();
        for (Class<?> type : classes) {
            for (Method method : type.getMethods()) {
                boolean permitted = method.isAnnotationPresent(PermitAll.class) || (type.isAnnotationPresent(PermitAll.class)
                        && !method.isAnnotationPresent(RolesAllowed.class) && !method.isAnnotationPresent(DenyAll.class));
                if (permitted) {
                    io.swagger.v3.oas.annotations.Operation operation =
                            method.getAnnotation(io.swagger.v3.oas.annotations.Operation.class);
                    open.add(operation == null || operation.operationId().isBlank() ? method.getName() : operation.operationId());
                }
            }
        }
        if (document.getPaths() != null) {
            document.getPaths().values().forEach(item -> item.readOperations().stream()
                    .filter(operation -> open.contains(operation.getOperationId()))
                    .forEach(operation -> operation.setSecurity(List.of())));
        }
    }

    static String build(Set<Class<?>> classes, OpenApiConfig config, String version) {
        OpenAPI base = new OpenAPI()
                .info(new Info().title(config.title()).description(config.description()).version(version))
                .servers(List.of(new Server().url(config.serverUrl())))
                // every operation needs one of these unless it says otherwise (health, login, refresh)
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT").description("An access token from POST /auth/login, or an API key"))
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key"))
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
                .security(List.of(new SecurityRequirement().addList("bearer"), new SecurityRequirement().addList("apiKey"),
                        new SecurityRequirement().addList("basic")));
        SwaggerConfiguration swagger = new SwaggerConfiguration()
                .openAPI(base)
                .readAllResources(true)
                .sortOutput(true)
                .resourceClasses(new LinkedHashSet<>(Arrays.asList(classes.stream().map(Class::getName).toArray(String[]::new))));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Swagger looks up optional extensions through the context class loader; ours has none.
        thread.setContextClassLoader(OpenApiDocument.class.getClassLoader());
        try {
            OpenAPI document = new Reader(swagger).read(classes);
            markPublic(document, classes);
            return Json.mapper().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the OpenAPI document: " + e.getOriginalMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
