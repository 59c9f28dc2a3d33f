package dev.conflux.platform.internal.rest;

import java.util.Hashtable;

import javax.servlet.Filter;
import javax.ws.rs.core.Application;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.jaxrs.whiteboard.JaxrsWhiteboardConstants;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The application every Conflux REST resource joins: it takes the place of the whiteboard's default
 * application at {@code /api/v1}, and by default it is served only while the security capability's
 * access filter is there. So the API fails closed: while {@code conflux-security} is starting, being
 * updated or missing, no resource answers unguarded (the whole API answers 404 instead).
 * Two servlet filters go with it on the servlet context the whiteboard serves it in: one holds the
 * requests that arrive while the whiteboard rebuilds the application, one refuses a request body in
 * a character set CXF would fail on.
 */
@Component(immediate = true, configurationPid = ApiApplication.PID)
@Designate(ocd = ApiApplication.Config.class)
public class ApiApplication {

    static final String PID = "dev.conflux.platform.api";
    /** The name of the security capability's access filter. */
    static final String SECURITY_FILTER = "conflux.security";

    @ObjectClassDefinition(id = PID, name = "Conflux REST API",
            description = "Where the REST API is served and whether it needs the security capability.")
    public @interface Config {
        @AttributeDefinition(description = "Path of the REST API.")
        String base() default "/api/v1";

        @AttributeDefinition(description = "Serve the API only while conflux-security guards it. Turn off only on a "
                + "machine nobody else can reach: without security every resource is open.")
        boolean requireSecurity() default true;

        @AttributeDefinition(description = "How long, in milliseconds, a request may wait while the API is rebuilt "
                + "because a resource or extension came or went; 0 answers such a request 404 at once.")
        long rebuildHoldMillis() default 3000;
    }

    private final ServiceRegistration<Application> registration;
    private final ServiceRegistration<Filter> rebuildWindow;
    private final ServiceRegistration<Filter> charsets;

    @Activate
    public ApiApplication(BundleContext context, Config config) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(JaxrsWhiteboardConstants.JAX_RS_NAME, JaxrsWhiteboardConstants.JAX_RS_DEFAULT_APPLICATION);
        properties.put(JaxrsWhiteboardConstants.JAX_RS_APPLICATION_BASE, config.base());
        properties.put(Constants.SERVICE_RANKING, 100);
        if (config.requireSecurity()) {
            properties.put(JaxrsWhiteboardConstants.JAX_RS_EXTENSION_SELECT,
                    "(" + JaxrsWhiteboardConstants.JAX_RS_NAME + "=" + SECURITY_FILTER + ")");
        }
        registration = context.registerService(Application.class, new Application(), properties);
        rebuildWindow = context.registerService(Filter.class, new RebuildWindowFilter(config.rebuildHoldMillis()),
                filterProperties(config.base(), "conflux-api-rebuild-window", 0));
        charsets = context.registerService(Filter.class, new RequestCharsetFilter(),
                filterProperties(config.base(), "conflux-api-charsets", 10));
    }

    /** A filter over everything in the servlet context of the application at {@code base}. */
    private static Hashtable<String, Object> filterProperties(String base, String name, int ranking) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT,
                "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH + "=" + base + ")");
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_PATTERN, "/*");
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_NAME, name);
        properties.put(Constants.SERVICE_RANKING, ranking);
        return properties;
    }

    @Deactivate
    void deactivate() {
        charsets.unregister();
        rebuildWindow.unregister();
        registration.unregister();
    }
}
