CREATE TABLE probe_items (
    id INT PRIMARY KEY,
    label VARCHAR(100) NOT NULL
);
INSERT INTO probe_items (id, label) VALUES (1, 'migrated inside OSGi');
