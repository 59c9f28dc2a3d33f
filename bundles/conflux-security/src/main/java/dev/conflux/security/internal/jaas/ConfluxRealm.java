package dev.conflux.security.internal.jaas;

import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;

import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.conflux.security.internal.SecurityService;

/**
 * Karaf's {@code karaf} JAAS realm, served from the Conflux user store: it outranks the realm of
 * {@code etc/users.properties}, so SSH, the web console and JMX log in against the same users as the
 * REST API. The realm is there only while the user store is.
 */
@Component(service = JaasRealm.class)
public class ConfluxRealm implements JaasRealm {

    static final String NAME = "karaf";
    /** Karaf's own realm has rank 0; the highest rank of a name wins. */
    static final int RANK = 100;

    private final long bundleId;

    @Activate
    public ConfluxRealm(BundleContext context, @Reference SecurityService security) {
        this.bundleId = context.getBundle().getBundleId();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getRank() {
        return RANK;
    }

    @Override
    public AppConfigurationEntry[] getEntries() {
        // Karaf's proxy loads the module from this bundle, so it sees this bundle's classes and services
        Map<String, Object> options = Map.of(ProxyLoginModule.PROPERTY_MODULE, ConfluxLoginModule.class.getName(),
                ProxyLoginModule.PROPERTY_BUNDLE, Long.toString(bundleId));
        return new AppConfigurationEntry[] {
            new AppConfigurationEntry(ProxyLoginModule.class.getName(), LoginModuleControlFlag.REQUIRED, options)
        };
    }
}
