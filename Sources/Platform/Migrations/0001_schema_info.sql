-- Facts about this database that every daemon sharing it can read (one row per key).
CREATE TABLE schema_info (
    key text PRIMARY KEY,
    value text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO schema_info (key, value) VALUES ('application', 'mediadaemon');
