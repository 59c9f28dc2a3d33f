package dev.conflux.security.internal.jaas;

import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import dev.conflux.api.security.AuthenticationException;
import dev.conflux.api.security.Caller;
import dev.conflux.api.security.Roles;
import dev.conflux.security.internal.SecurityService;

/**
 * Logs a Karaf console, SSH or JMX user in against the Conflux user store. Conflux admins get the
 * roles of Karaf's {@code admingroup}; other Conflux roles carry a {@code conflux-} prefix, which
 * Karaf grants nothing, so operators and viewers are refused by SSH and the web console.
 */
public class ConfluxLoginModule implements LoginModule {

    /** The roles of Karaf's default {@code admingroup}: the console, SSH, JMX and every shell command. */
    static final List<String> KARAF_ADMIN_ROLES = List.of("admin", "manager", "viewer", "systembundles", "ssh");

    private Subject subject;
    private CallbackHandler callbackHandler;
    private final List<Principal> principals = new ArrayList<>();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.callbackHandler = callbackHandler;
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("Username: ");
        PasswordCallback password = new PasswordCallback("Password: ", false);
        try {
            callbackHandler.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("cannot ask for the user name and password: " + e.getMessage());
        }
        char[] secret = password.getPassword();
        if (name.getName() == null || secret == null) {
            throw new FailedLoginException("a user name and a password are required");
        }
        Caller caller;
        BundleContext context = FrameworkUtil.getBundle(ConfluxLoginModule.class).getBundleContext();
        ServiceReference<SecurityService> reference = context == null ? null : context.getServiceReference(SecurityService.class);
        SecurityService security = reference == null ? null : context.getService(reference);
        if (security == null) {
            throw new LoginException("the Conflux user store is not available");
        }
        try {
            caller = security.checkPassword(name.getName(), new String(secret), null, "jaas");
        } catch (AuthenticationException e) {
            throw new FailedLoginException(e.getMessage());
        } finally {
            password.clearPassword();
            context.ungetService(reference);
        }
        principals.clear();
        principals.add(new UserPrincipal(caller.name()));
        if (caller.roles().contains(Roles.ADMIN)) {
            KARAF_ADMIN_ROLES.forEach(role -> principals.add(new RolePrincipal(role)));
        }
        caller.roles().forEach(role -> principals.add(new RolePrincipal("conflux-" + role)));
        return true;
    }

    @Override
    public boolean commit() {
        subject.getPrincipals().addAll(principals);
        return true;
    }

    @Override
    public boolean abort() {
        principals.clear();
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(principals);
        principals.clear();
        return true;
    }
}
