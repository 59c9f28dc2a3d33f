CREATE TABLE audit_entries (
    seq BIGINT PRIMARY KEY,
    entry VARCHAR(1000) NOT NULL
);
