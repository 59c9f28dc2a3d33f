package dev.conflux.platform.internal.openapi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = OpenApiConfig.PID, name = "Conflux OpenAPI",
        description = "The OpenAPI document at /api/v1/openapi.json and Swagger UI at /api/docs.")
public @interface OpenApiConfig {

    String PID = "dev.conflux.platform.openapi";

    @AttributeDefinition(name = "Title", description = "The API's title in the document and in Swagger UI.")
    String title() default "Conflux API";

    @AttributeDefinition(name = "Description", description = "The API's description (Markdown).")
    String description() default "The REST API of Conflux, an automation platform. Errors are RFC 9457 problem details "
            + "(application/problem+json) with a stable `type`.";

    @AttributeDefinition(name = "Server URL", description = "The base URL clients call; relative to the host by default.")
    String serverUrl() default "/api/v1";
}
