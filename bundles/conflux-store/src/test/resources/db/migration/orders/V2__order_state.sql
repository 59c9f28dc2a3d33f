ALTER TABLE orders ADD COLUMN state VARCHAR(16) DEFAULT 'NEW' NOT NULL;
CREATE INDEX orders_state ON orders (state);
