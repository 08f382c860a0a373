-- Failed log-ins, shared by every daemon on the database so that a guesser cannot spread its
-- attempts over them. One row per key: `user:<username>` or `address:<client address>`. After a
-- free number of failures each further one locks the key out for a time that doubles
-- (LoginThrottle); a success clears the username's row. Rows idle past the forget time are
-- deleted by the maintenance (SessionSweeper).
CREATE TABLE login_failures (
    key          text        PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 300),
    failures     integer     NOT NULL CHECK (failures >= 1),
    last_failure timestamptz NOT NULL,
    locked_until timestamptz NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failure);
