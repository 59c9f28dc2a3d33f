package dev.conflux.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conflux.api.concurrent.NamedThreads;
import dev.conflux.api.problem.ProblemException;
import dev.conflux.api.problem.ProblemType;
import dev.conflux.api.security.AuditEvent;
import dev.conflux.api.security.AuditTrail;
import dev.conflux.api.security.AuthenticationException;
import dev.conflux.api.security.AuthenticationException.Reason;
import dev.conflux.api.security.Authenticator;
import dev.conflux.api.security.Caller;
import dev.conflux.api.security.Credentials;
import dev.conflux.api.security.Roles;
import dev.conflux.api.store.SchemaMigrator;

/**
 * The one user store of Conflux and everything that proves or limits who a caller is: passwords,
 * access and refresh tokens, API keys, lockouts, rate limits, and the audit trail. Every face
 * (REST, SOAP, the JAAS realm behind SSH and the web console, the shell) goes through it.
 */
@Component(service = {SecurityService.class, Authenticator.class, AuditTrail.class}, configurationPid = SecurityConfig.PID)
@Designate(ocd = SecurityConfig.class)
public class SecurityService implements Authenticator, AuditTrail {

    public static final String CLASS_LOGIN = "login";
    public static final String CLASS_READ = "read";
    public static final String CLASS_WRITE = "write";

    private static final Logger LOG = LoggerFactory.getLogger(SecurityService.class);
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Duration PASSWORD_CACHE = Duration.ofMinutes(5);
    /** The length of {@code sec_user.display_name}. */
    static final int MAX_DISPLAY_NAME = 200;

    private final SecurityConfig config;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private final PasswordHasher hasher;
    private final UserStore users;
    private final ApiKeyStore apiKeys;
    private final TokenService tokens;
    private final AuditLog audit;
    private final LoginGuard guard;
    private final Map<String, RateLimiter> limits;
    private final ScheduledExecutorService housekeeping;
    /** Passwords verified lately (HTTP Basic repeats them on every request), as keyed digests, never as text. */
    private final ConcurrentMap<String, VerifiedPassword> verified = new ConcurrentHashMap<>();
    private final byte[] cacheKey = new byte[32];

    private record VerifiedPassword(String digest, String storedHash, Instant until) {
    }

    /** A login's result: the tokens and who they are for. */
    public record Login(TokenService.Tokens tokens, Caller caller) {
    }

    @Activate
    public SecurityService(@Reference(target = "(dataSourceName=conflux)") DataSource dataSource,
            @Reference SchemaMigrator migrator, SecurityConfig config) {
        this.config = config;
        migrator.migrate("security", SecurityService.class.getClassLoader());
        random.nextBytes(cacheKey);
        Secrets secrets = new Secrets(random);
        this.hasher = new PasswordHasher(config.passwordIterations(), random);
        this.users = new UserStore(dataSource);
        this.apiKeys = new ApiKeyStore(dataSource, secrets);
        this.tokens = new TokenService(dataSource, secrets, clock, Duration.ofMinutes(config.accessTokenMinutes()),
                Duration.ofHours(config.refreshTokenHours()));
        this.audit = new AuditLog(dataSource, clock,
                Paths.get(System.getProperty("karaf.data", "data"), "conflux", "audit-head"));
        this.guard = new LoginGuard(clock, config.lockoutAttemptsPerAccount(), config.lockoutAttemptsPerAddress(),
                Duration.ofSeconds(config.lockoutSeconds()));
        this.limits = Map.of(CLASS_LOGIN, new RateLimiter(config.loginRequestsPerMinute()),
                CLASS_READ, new RateLimiter(config.readRequestsPerMinute()),
                CLASS_WRITE, new RateLimiter(config.writeRequestsPerMinute()));
        ensureInitialAdmin();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(NamedThreads.single("conflux-security-housekeeping"));
        housekeeping.scheduleWithFixedDelay(this::housekeeping, 1, 60, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        housekeeping.shutdownNow();
    }

    // ---- authentication -------------------------------------------------------------------------

    @Override
    public Caller authenticate(Credentials credentials) throws AuthenticationException {
        String address = credentials.clientAddress();
        if (credentials.apiKey() != null && !credentials.apiKey().isBlank()) {
            return apiKey(credentials.apiKey().strip(), address);
        }
        String header = credentials.authorization();
        if (header == null || header.isBlank()) {
            throw new AuthenticationException(Reason.MISSING, "Credentials are required: a Bearer token, an API key "
                    + "(X-API-Key) or HTTP Basic");
        }
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String value = space < 0 ? "" : header.substring(space + 1).strip();
        if ("Bearer".equalsIgnoreCase(scheme)) {
            if (value.startsWith(ApiKeyStore.PREFIX)) {
                return apiKey(value, address);
            }
            TokenService.Claims claims = tokens.verify(value).orElseThrow(() -> new AuthenticationException(Reason.INVALID,
                    "The token is invalid, expired or revoked; log in again or refresh it"));
            return new Caller(claims.subject(), claims.roles(), "token", claims.tokenId());
        }
        if ("Basic".equalsIgnoreCase(scheme)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new AuthenticationException(Reason.INVALID, "The Basic credentials are not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new AuthenticationException(Reason.INVALID, "The Basic credentials must be user:password");
            }
            return checkPassword(decoded.substring(0, colon), decoded.substring(colon + 1), address, "basic");
        }
        throw new AuthenticationException(Reason.INVALID, "Unsupported authorization scheme '" + scheme
                + "'; use Bearer or Basic");
    }

    private Caller apiKey(String presented, String address) throws AuthenticationException {
        ApiKey key = apiKeys.check(presented).orElseThrow(() -> new AuthenticationException(Reason.INVALID,
                "The API key is invalid, expired or revoked"));
        return new Caller("apikey:" + key.id(), key.roles(), "apikey", null);
    }

    /**
     * Checks a user name and password, with lockouts; every failure, and every success that was not
     * a repeat of a recent one, goes to the audit trail.
     *
     * @param channel where the password was presented: {@code login}, {@code basic}, {@code jaas}
     */
    public Caller checkPassword(String username, String password, String address, String channel)
            throws AuthenticationException {
        String name = username == null ? "" : username.strip();
        long locked = guard.lockedFor(name, address);
        if (locked > 0) {
            record(name, address, "auth.login", name, AuditEvent.DENIED, channel + ": locked after repeated failures");
            throw new AuthenticationException(Reason.LOCKED, "Too many failed logins for this account or address; "
                    + "try again in " + locked + " s", locked);
        }
        Optional<User> user = name.isEmpty() ? Optional.empty() : users.find(name);
        if (user.isPresent() && recentlyVerified(user.get(), password)) {
            return caller(user.get(), "password");
        }
        boolean ok;
        if (user.isPresent()) {
            ok = hasher.verify(password, user.get().passwordHash());
        } else {
            hasher.verifyDecoy(password);
            ok = false;
        }
        if (!ok) {
            boolean nowLocked = guard.failed(name, address);
            record(name.isEmpty() ? "anonymous" : name, address, "auth.login", name, AuditEvent.FAILURE,
                    channel + ": wrong user name or password" + (nowLocked ? "; locked for " + config.lockoutSeconds() + " s" : ""));
            throw new AuthenticationException(Reason.INVALID, "Wrong user name or password");
        }
        guard.succeeded(name);
        User found = user.get();
        if (hasher.needsRehash(found.passwordHash())) {
            users.setPassword(found.username(), hasher.hash(password));
            found = users.find(found.username()).orElse(found);
        }
        remember(found, password);
        record(found.username(), address, "auth.login", found.username(), AuditEvent.SUCCESS, channel);
        return caller(found, "password");
    }

    public Login login(String username, String password, String address) throws AuthenticationException {
        Caller caller = checkPassword(username, password, address, "login");
        TokenService.Tokens issued = tokens.issue(caller.name(), caller.roles(), address);
        return new Login(issued, caller);
    }

    public Login refresh(String refreshToken, String address) throws AuthenticationException {
        Optional<String> username = tokens.redeem(refreshToken);
        Optional<User> user = username.flatMap(users::find);
        if (user.isEmpty()) {
            record(username.orElse("anonymous"), address, "auth.refresh", username.orElse(null), AuditEvent.FAILURE,
                    "invalid, expired, revoked or reused refresh token");
            throw new AuthenticationException(Reason.INVALID, "The refresh token is invalid, expired or revoked; log in again");
        }
        Caller caller = caller(user.get(), "token");
        TokenService.Tokens issued = tokens.issue(caller.name(), caller.roles(), address);
        record(caller.name(), address, "auth.refresh", caller.name(), AuditEvent.SUCCESS, null);
        return new Login(issued, caller);
    }

    public void logout(Caller caller, String address) {
        if (caller.tokenId() != null) {
            tokens.revokeAccess(caller.tokenId());
        }
        record(caller.name(), address, "auth.logout", caller.name(), AuditEvent.SUCCESS, caller.method());
    }

    @Override
    public long throttle(String principal, String clientAddress, boolean changes) {
        return rateLimit(changes ? CLASS_WRITE : CLASS_READ, principal, clientAddress);
    }

    /** @return 0 when the request may go ahead, otherwise seconds until it would */
    public long rateLimit(String requestClass, String principal, String address) {
        RateLimiter limiter = limits.get(requestClass);
        long wait = address == null ? 0 : limiter.acquire("a:" + address);
        if (principal != null) {
            wait = Math.max(wait, limiter.acquire("p:" + principal));
        }
        return wait;
    }

    // ---- users ----------------------------------------------------------------------------------

    public List<User> users() {
        return users.list();
    }

    public Optional<User> user(String username) {
        return users.find(username);
    }

    public User createUser(String actor, String address, String username, String password, String displayName,
            String email, Collection<String> roles) {
        String name = validUsername(username);
        Set<String> granted = validRoles(roles);
        validPassword(name, password);
        if (!users.create(name, hasher.hash(password), validDisplayName(displayName), validEmail(email), granted)) {
            throw ProblemException.conflict("a user named '" + name + "' exists");
        }
        record(actor, address, "user.create", name, AuditEvent.SUCCESS, "roles " + granted);
        return users.find(name).orElseThrow();
    }

    public User updateUser(String actor, String address, String username, String displayName, String email,
            Collection<String> roles, String password) {
        User user = existing(username);
        String newName = displayName == null ? user.displayName() : validDisplayName(displayName);
        String newEmail = email == null ? user.email() : validEmail(email);
        users.updateProfile(user.username(), newName, newEmail, user.preferences());
        if (roles != null) {
            setRoles(actor, address, user.username(), validRoles(roles));
        }
        if (password != null) {
            setPassword(actor, address, user.username(), password);
        }
        record(actor, address, "user.update", user.username(), AuditEvent.SUCCESS, null);
        return existing(user.username());
    }

    public void deleteUser(String actor, String address, String username) {
        User user = existing(username);
        if (user.roles().contains(Roles.ADMIN) && users.countWithRole(Roles.ADMIN) <= 1) {
            throw ProblemException.conflict("'" + user.username() + "' is the last admin; make another admin first");
        }
        users.delete(user.username());
        verified.remove(user.username());
        tokens.revokeAllOf(user.username());
        record(actor, address, "user.delete", user.username(), AuditEvent.SUCCESS, null);
    }

    public User grant(String actor, String address, String username, String role) {
        User user = existing(username);
        Set<String> roles = new LinkedHashSet<>(user.roles());
        roles.addAll(validRoles(List.of(role)));
        setRoles(actor, address, user.username(), roles);
        return existing(user.username());
    }

    public User revoke(String actor, String address, String username, String role) {
        User user = existing(username);
        Set<String> roles = new LinkedHashSet<>(user.roles());
        if (!roles.remove(role)) {
            throw ProblemException.conflict("'" + user.username() + "' does not hold the role '" + role + "'");
        }
        setRoles(actor, address, user.username(), roles);
        return existing(user.username());
    }

    private void setRoles(String actor, String address, String username, Set<String> roles) {
        User user = existing(username);
        if (user.roles().contains(Roles.ADMIN) && !roles.contains(Roles.ADMIN) && users.countWithRole(Roles.ADMIN) <= 1) {
            throw ProblemException.conflict("'" + username + "' is the last admin; make another admin first");
        }
        users.setRoles(username, roles);
        verified.remove(username);
        // tokens carry roles: end the user's sessions so the new roles apply at the next login
        tokens.revokeAllOf(username);
        record(actor, address, "user.roles", username, AuditEvent.SUCCESS, "roles " + roles);
    }

    public void setPassword(String actor, String address, String username, String password) {
        User user = existing(username);
        validPassword(user.username(), password);
        users.setPassword(user.username(), hasher.hash(password));
        verified.remove(user.username());
        tokens.revokeAllOf(user.username());
        record(actor, address, "user.password", user.username(), AuditEvent.SUCCESS, null);
    }

    /** A user changing their own password must prove they know the current one. */
    public void changeOwnPassword(Caller caller, String address, String oldPassword, String newPassword) {
        User user = existing(caller.name());
        // a stolen token must not become a way to guess the password: the same lockout as a login
        long locked = guard.lockedFor(user.username(), address);
        if (locked > 0) {
            record(caller.name(), address, "user.password", caller.name(), AuditEvent.DENIED, "locked after repeated failures");
            throw new ProblemException(ProblemType.RATE_LIMITED, "Too many wrong passwords for this account or address; "
                    + "try again in " + locked + " s");
        }
        if (oldPassword == null || !hasher.verify(oldPassword, user.passwordHash())) {
            guard.failed(user.username(), address);
            record(caller.name(), address, "user.password", caller.name(), AuditEvent.FAILURE, "wrong current password");
            throw new ProblemException(ProblemType.INVALID_REQUEST, "The current password is wrong");
        }
        setPassword(caller.name(), address, caller.name(), newPassword);
    }

    public User updateProfile(Caller caller, String address, String displayName, String email, String preferencesJson) {
        User user = existing(caller.name());
        users.updateProfile(user.username(), displayName == null ? user.displayName() : validDisplayName(displayName),
                email == null ? user.email() : validEmail(email),
                preferencesJson == null ? user.preferences() : preferencesJson);
        record(caller.name(), address, "user.profile", caller.name(), AuditEvent.SUCCESS, null);
        return existing(user.username());
    }

    private User existing(String username) {
        return users.find(username == null ? "" : username)
                .orElseThrow(() -> ProblemException.notFound("no user named '" + username + "'"));
    }

    // ---- API keys, sessions, lockouts -----------------------------------------------------------

    public ApiKeyStore.Created createApiKey(String actor, String address, String name, Collection<String> roles,
            Instant expiresAt) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ProblemException.invalid("an API key needs a name of 1 to 100 characters");
        }
        Set<String> granted = validRoles(roles);
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw ProblemException.invalid("expiresAt " + expiresAt + " is in the past");
        }
        ApiKeyStore.Created created = apiKeys.create(name.strip(), granted, actor, expiresAt);
        record(actor, address, "apikey.create", created.key().id(), AuditEvent.SUCCESS,
                "'" + created.key().name() + "' roles " + granted);
        return created;
    }

    public List<ApiKey> apiKeys() {
        return apiKeys.list();
    }

    public void revokeApiKey(String actor, String address, String id) {
        ApiKey key = apiKeys.find(id).orElseThrow(() -> ProblemException.notFound("no API key with id '" + id + "'"));
        if (!apiKeys.revoke(key.id())) {
            throw ProblemException.conflict("the API key '" + id + "' was revoked at " + key.revokedAt());
        }
        record(actor, address, "apikey.revoke", key.id(), AuditEvent.SUCCESS, "'" + key.name() + "'");
    }

    public List<TokenService.Session> sessions() {
        return tokens.sessions();
    }

    public boolean endSession(String actor, String address, String sessionId) {
        boolean ended = tokens.revokeSession(sessionId);
        if (ended) {
            record(actor, address, "auth.session-end", sessionId, AuditEvent.SUCCESS, null);
        }
        return ended;
    }

    public boolean unlock(String actor, String address, String accountOrAddress) {
        boolean unlocked = guard.unlock(accountOrAddress);
        record(actor, address, "auth.unlock", accountOrAddress, unlocked ? AuditEvent.SUCCESS : AuditEvent.FAILURE,
                unlocked ? null : "was not locked");
        return unlocked;
    }

    public Map<String, Instant> lockouts() {
        return guard.locked();
    }

    // ---- audit ----------------------------------------------------------------------------------

    @Override
    public void record(AuditEvent event) {
        audit.record(event);
    }

    void record(String principal, String address, String action, String target, String outcome, String detail) {
        audit.record(new AuditEvent(principal.isEmpty() ? "anonymous" : principal, address, action, target, outcome, detail));
    }

    public AuditLog auditLog() {
        return audit;
    }

    // ---- housekeeping ---------------------------------------------------------------------------

    private void housekeeping() {
        try {
            tokens.purgeExpired();
            limits.values().forEach(limiter -> limiter.forgetIdle(Duration.ofMinutes(5)));
            guard.forgetOld();
            verified.values().removeIf(v -> v.until().isBefore(clock.instant()));
            if (config.auditRetentionDays() > 0) {
                int pruned = audit.prune(clock.instant().minus(Duration.ofDays(config.auditRetentionDays())));
                if (pruned > 0) {
                    LOG.info("Pruned {} audit entries older than {} days", pruned, config.auditRetentionDays());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Security housekeeping failed: {}", e.getMessage(), e);
        }
    }

    private void ensureInitialAdmin() {
        if (users.count() > 0) {
            return;
        }
        Path data = Paths.get(System.getProperty("karaf.data", "data"));
        InitialAdmin initial = new InitialAdmin(data.resolve("conflux").resolve("initial-admin-password"), random);
        String name = config.initialAdminUser();
        try {
            InitialAdmin.Password password = initial.password(System.getenv(InitialAdmin.ENV_PASSWORD));
            if (users.create(name, hasher.hash(password.value()), "Administrator", null, Set.of(Roles.ADMIN))) {
                record("system", null, "user.create", name, AuditEvent.SUCCESS, "initial administrator");
                switch (password.source()) {
                    case ENVIRONMENT -> LOG.info("Created the '{}' account with the password from {}", name,
                            InitialAdmin.ENV_PASSWORD);
                    case FILE, GENERATED -> LOG.info("Created the '{}' account; its password is in {}", name,
                            initial.passwordFile());
                }
            }
        } catch (IOException e) {
            LOG.error("Could not create the initial '{}' account: {}", name, e.getMessage(), e);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private boolean recentlyVerified(User user, String password) {
        VerifiedPassword v = verified.get(user.username());
        return v != null && v.until().isAfter(clock.instant()) && v.storedHash().equals(user.passwordHash())
                && Secrets.sameDigest(v.digest(), keyedDigest(user.username(), password));
    }

    private void remember(User user, String password) {
        verified.put(user.username(), new VerifiedPassword(keyedDigest(user.username(), password), user.passwordHash(),
                clock.instant().plus(PASSWORD_CACHE)));
    }

    private String keyedDigest(String username, String password) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(cacheKey, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal((username + '\0' + password).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static Caller caller(User user, String method) {
        return new Caller(user.username(), user.roles(), method, null);
    }

    static String validUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ProblemException.invalid("a user name is 1 to 64 letters, digits, '.', '_', '@' or '-', starting with "
                    + "a letter or digit; got '" + username + "'");
        }
        return username;
    }

    static Set<String> validRoles(Collection<String> roles) {
        Set<String> valid = new LinkedHashSet<>();
        for (String role : roles == null ? List.<String>of() : roles) {
            String r = role == null ? "" : role.strip().toLowerCase(Locale.ROOT);
            if (!Roles.isRole(r)) {
                throw ProblemException.invalid("'" + role + "' is not a role; use " + String.join(", ", Roles.ALL));
            }
            valid.add(r);
        }
        return valid;
    }

    private void validPassword(String username, String password) {
        if (password == null || password.length() < config.minPasswordLength()) {
            throw ProblemException.invalid("a password needs at least " + config.minPasswordLength() + " characters");
        }
        if (password.length() > 1024) {
            throw ProblemException.invalid("a password may have at most 1024 characters");
        }
        if (password.equalsIgnoreCase(username)) {
            throw ProblemException.invalid("the password must not be the user name");
        }
    }

    /** The store keeps at most {@value #MAX_DISPLAY_NAME} characters of a display name. */
    private static String validDisplayName(String displayName) {
        String value = blankToNull(displayName);
        if (value != null && value.length() > MAX_DISPLAY_NAME) {
            throw ProblemException.invalid("a display name may have at most " + MAX_DISPLAY_NAME + " characters");
        }
        return value;
    }

    private static String validEmail(String email) {
        String value = blankToNull(email);
        if (value != null && (value.length() > 254 || !value.matches("[^@\\s]+@[^@\\s]+"))) {
            throw ProblemException.invalid("'" + email + "' is not an email address");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
