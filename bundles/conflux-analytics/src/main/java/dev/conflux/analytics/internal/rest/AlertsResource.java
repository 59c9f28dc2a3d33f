package dev.conflux.analytics.internal.rest;

import java.util.Map;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

import dev.conflux.analytics.internal.alert.Alerts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/alerts}: the alert rules, the alerts pending or firing now, and the latest resolved ones. */
@Component(service = AlertsResource.class)
@JaxrsResource
@JaxrsName("conflux.alerts")
@JSONRequired
@Path("alerts")
@Tag(name = "analytics")
public class AlertsResource {

    private final Alerts alerts;

    @Activate
    public AlertsResource(@Reference Alerts alerts) {
        this.alerts = alerts;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listAlerts", summary = "Alert rules, active alerts (PENDING, FIRING) and the latest RESOLVED ones",
            description = "Rules are factory configurations dev.conflux.analytics.alert (etc/dev.conflux.analytics.alert-<name>.cfg).")
    public Map<String, Object> alerts() {
        return alerts.view();
    }
}
