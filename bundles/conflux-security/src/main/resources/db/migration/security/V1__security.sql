-- Users, their roles, API keys, refresh tokens, revoked access tokens, the token signing key and
-- the audit trail. Secrets are never stored: passwords as salted PBKDF2 hashes, API keys and
-- refresh tokens as SHA-256 digests of their random secrets.
CREATE TABLE sec_user (
    username      VARCHAR(64)   NOT NULL PRIMARY KEY,
    password_hash VARCHAR(200)  NOT NULL,
    display_name  VARCHAR(200),
    email         VARCHAR(254),
    preferences   TEXT          NOT NULL,
    created_at    TIMESTAMP     NOT NULL,
    updated_at    TIMESTAMP     NOT NULL
);

CREATE TABLE sec_user_role (
    username  VARCHAR(64)  NOT NULL,
    role_name VARCHAR(32)  NOT NULL,
    PRIMARY KEY (username, role_name),
    FOREIGN KEY (username) REFERENCES sec_user (username) ON DELETE CASCADE
);

CREATE TABLE sec_api_key (
    key_id       VARCHAR(16)   NOT NULL PRIMARY KEY,
    name         VARCHAR(100)  NOT NULL,
    secret_hash  VARCHAR(64)   NOT NULL,
    roles        VARCHAR(100)  NOT NULL,
    created_by   VARCHAR(64)   NOT NULL,
    created_at   TIMESTAMP     NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE sec_refresh_token (
    token_id     VARCHAR(36)   NOT NULL PRIMARY KEY,
    secret_hash  VARCHAR(64)   NOT NULL,
    username     VARCHAR(64)   NOT NULL,
    access_id    VARCHAR(36)   NOT NULL,
    client       VARCHAR(64),
    created_at   TIMESTAMP     NOT NULL,
    expires_at   TIMESTAMP     NOT NULL,
    revoked_at   TIMESTAMP,
    -- revoked because it was used to refresh: presenting it again means a copy was stolen
    rotated      BOOLEAN       DEFAULT FALSE NOT NULL
);
CREATE INDEX sec_refresh_user ON sec_refresh_token (username);

-- Access tokens are not stored; a revoked one is listed here until it would have expired anyway.
CREATE TABLE sec_revoked_token (
    token_id   VARCHAR(36)  NOT NULL PRIMARY KEY,
    expires_at TIMESTAMP    NOT NULL
);

CREATE TABLE sec_signing_key (
    key_id     VARCHAR(36)   NOT NULL PRIMARY KEY,
    secret     VARCHAR(100)  NOT NULL,
    created_at TIMESTAMP     NOT NULL
);

-- The audit trail: each entry's hash covers its fields and the hash of the entry before it.
CREATE TABLE sec_audit (
    seq            BIGINT         NOT NULL PRIMARY KEY,
    -- epoch milliseconds: no time zone can shift what the hash covers
    at_ms          BIGINT         NOT NULL,
    principal      VARCHAR(100)   NOT NULL,
    client_address VARCHAR(64),
    action         VARCHAR(100)   NOT NULL,
    target         VARCHAR(500),
    outcome        VARCHAR(16)    NOT NULL,
    detail         VARCHAR(1000),
    prev_hash      VARCHAR(64)    NOT NULL,
    hash           VARCHAR(64)    NOT NULL
);
CREATE INDEX sec_audit_at ON sec_audit (at_ms);
CREATE INDEX sec_audit_principal ON sec_audit (principal, seq);
