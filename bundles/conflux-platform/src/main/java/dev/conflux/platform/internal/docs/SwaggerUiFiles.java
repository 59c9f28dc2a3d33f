package dev.conflux.platform.internal.docs;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardResource;

/**
 * Swagger UI's static files, taken from this bundle's {@code /swagger-ui} folder (the webjar's
 * files and our {@code swagger-initializer.js}), served by the HTTP whiteboard at {@code /api/docs/*}.
 */
@Component(service = SwaggerUiFiles.class)
@HttpWhiteboardResource(pattern = "/api/docs/*", prefix = "/swagger-ui")
public class SwaggerUiFiles {
}
