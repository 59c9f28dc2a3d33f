package dev.conflux.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = SecurityConfig.PID, name = "Conflux security",
        description = "Tokens, password hashing, rate limits, lockouts, request limits, CORS and audit retention.")
public @interface SecurityConfig {

    String PID = "dev.conflux.security";

    @AttributeDefinition(description = "Lifetime of an access token (JWT), in minutes.")
    int accessTokenMinutes() default 15;

    @AttributeDefinition(description = "Lifetime of a refresh token, in hours. Each refresh hands out a new one.")
    int refreshTokenHours() default 12;

    @AttributeDefinition(description = "PBKDF2-HMAC-SHA256 iterations for new password hashes. Older hashes are "
            + "upgraded at the next successful login.")
    int passwordIterations() default 600_000;

    @AttributeDefinition(description = "Shortest password accepted.")
    int minPasswordLength() default 12;

    @AttributeDefinition(description = "Failed logins in a row after which an account is locked.")
    int lockoutAttemptsPerAccount() default 5;

    @AttributeDefinition(description = "Failed logins from one client address after which it is locked.")
    int lockoutAttemptsPerAddress() default 20;

    @AttributeDefinition(description = "How long a lockout lasts, in seconds.")
    int lockoutSeconds() default 300;

    @AttributeDefinition(description = "Login attempts a client address may make per minute.")
    int loginRequestsPerMinute() default 30;

    @AttributeDefinition(description = "Reading requests (GET, HEAD) a principal, and separately a client address, may "
            + "make per minute.")
    int readRequestsPerMinute() default 1200;

    @AttributeDefinition(description = "Writing requests (POST, PUT, DELETE, PATCH) a principal, and separately a client "
            + "address, may make per minute.")
    int writeRequestsPerMinute() default 600;

    @AttributeDefinition(description = "Largest request body accepted by the REST API, in bytes.")
    long maxRequestBytes() default 2 * 1024 * 1024;

    @AttributeDefinition(description = "Origins allowed to call the REST API from a browser (CORS), e.g. "
            + "https://ops.example.com. Empty: CORS is off.")
    String[] corsAllowedOrigins() default {};

    @AttributeDefinition(description = "Audit entries older than this many days are pruned; 0 keeps them forever.")
    int auditRetentionDays() default 365;

    @AttributeDefinition(description = "Name of the first administrator, made when the user store is empty.")
    String initialAdminUser() default "admin";
}
