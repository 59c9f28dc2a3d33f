package dev.conflux.security.internal;

import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.conflux.api.security.AuditEvent;

/**
 * Records every configuration change (an edit in {@code etc/}, {@code config:edit}, the web
 * console) in the audit trail: which PID changed, never its values, which may hold secrets.
 */
@Component
public class ConfigAudit implements ConfigurationListener {

    private final SecurityService security;

    @Activate
    public ConfigAudit(@Reference SecurityService security) {
        this.security = security;
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String action = switch (event.getType()) {
            case ConfigurationEvent.CM_UPDATED -> "config.update";
            case ConfigurationEvent.CM_DELETED -> "config.delete";
            default -> null;
        };
        if (action != null) {
            security.record(new AuditEvent("system", null, action, event.getPid(), AuditEvent.SUCCESS,
                    event.getFactoryPid() == null ? null : "factory " + event.getFactoryPid()));
        }
    }
}
