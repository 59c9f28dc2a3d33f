package dev.conflux.platform.internal.accounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.function.Function;

import org.apache.karaf.jaas.modules.encryption.BasicEncryption;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure an administrator can log in on first boot without any well-known password: when the
 * Karaf user store ({@code etc/users.properties}, the {@code karaf} JAAS realm behind SSH and the
 * web console) has no administrator yet, one is made with a random password, written to a file
 * only its owner can read, or with the password in {@code CONFLUX_ADMIN_PASSWORD}.
 */
@Component(immediate = true, configurationPid = AccountsConfig.PID)
@Designate(ocd = AccountsConfig.class)
public class InitialAdminAccount {

    static final String ENV_PASSWORD = "CONFLUX_ADMIN_PASSWORD";
    private static final Logger LOG = LoggerFactory.getLogger(InitialAdminAccount.class);
    private static final String JAAS_PID = "org.apache.karaf.jaas";

    @Activate
    public InitialAdminAccount(@Reference ConfigurationAdmin configAdmin, AccountsConfig config) {
        Path etc = Paths.get(System.getProperty("karaf.etc", "etc"));
        Path data = Paths.get(System.getProperty("karaf.data", "data"));
        AdminBootstrap bootstrap = new AdminBootstrap(etc.resolve("users.properties"),
                data.resolve("conflux").resolve("initial-admin-password"), passwordHasher(configAdmin));
        try {
            AdminBootstrap.Outcome outcome = bootstrap.ensureAdmin(config.adminUser(), config.adminGroup(),
                    System.getenv(ENV_PASSWORD));
            switch (outcome) {
                case CREATED_RANDOM -> LOG.info("Created the '{}' account; its password is in {}", config.adminUser(),
                        bootstrap.passwordFile());
                case CREATED_FROM_ENVIRONMENT -> LOG.info("Created the '{}' account with the password from {}",
                        config.adminUser(), ENV_PASSWORD);
                case EXISTS -> LOG.debug("The '{}' account exists", config.adminUser());
            }
        } catch (UncheckedIOException e) {
            LOG.error("Could not create the initial '{}' account in {}: {}", config.adminUser(), etc, e.getMessage(), e);
        }
    }

    /**
     * Hashes the way the {@code karaf} realm checks: with the algorithm and encoding of
     * {@code etc/org.apache.karaf.jaas.cfg}, so a login compares hashes and no file holds the password.
     */
    static Function<String, String> passwordHasher(ConfigurationAdmin configAdmin) {
        String algorithm = "SHA-256";
        String encoding = "hexadecimal";
        try {
            Configuration jaas = configAdmin.getConfiguration(JAAS_PID, null);
            if (jaas.getProperties() != null) {
                Object enabled = jaas.getProperties().get("encryption.enabled");
                if (!"true".equalsIgnoreCase(String.valueOf(enabled))) {
                    LOG.warn("Password encryption is off in {}.cfg; the initial account cannot log in until "
                            + "encryption.enabled = true", JAAS_PID);
                }
                algorithm = String.valueOf(orDefault(jaas.getProperties().get("encryption.algorithm"), algorithm));
                encoding = String.valueOf(orDefault(jaas.getProperties().get("encryption.encoding"), encoding));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + JAAS_PID + " configuration", e);
        }
        BasicEncryption encryption = new BasicEncryption(Map.of("algorithm", algorithm, "encoding", encoding));
        return password -> "{CRYPT}" + encryption.encryptPassword(password) + "{CRYPT}";
    }

    private static Object orDefault(Object value, String fallback) {
        return value == null || String.valueOf(value).isBlank() ? fallback : value;
    }
}
