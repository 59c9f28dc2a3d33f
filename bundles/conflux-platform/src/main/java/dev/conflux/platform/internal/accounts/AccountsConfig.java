package dev.conflux.platform.internal.accounts;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AccountsConfig.PID, name = "Conflux initial account",
        description = "The administrator account made on first boot. Its password is random and written to "
                + "${karaf.data}/conflux/initial-admin-password, unless the environment variable "
                + "CONFLUX_ADMIN_PASSWORD is set.")
public @interface AccountsConfig {

    String PID = "dev.conflux.platform.accounts";

    @AttributeDefinition(name = "Administrator", description = "Name of the administrator account made on first boot.")
    String adminUser() default "admin";

    @AttributeDefinition(name = "Administrator group",
            description = "Karaf group the administrator joins; it grants the roles of the web console and SSH.")
    String adminGroup() default "admingroup";
}
