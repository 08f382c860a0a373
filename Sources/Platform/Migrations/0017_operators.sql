-- Operators: users who may open the operator page (/admin) with their normal log-in. Granted
-- and revoked with `mediadaemon users grant-operator|revoke-operator NAME`; checked on every
-- operator request (UserService.isOperator), so a revocation holds at once on every daemon.
-- Additive: an older daemon ignores the column.
ALTER TABLE users ADD COLUMN is_operator boolean NOT NULL DEFAULT false;

-- The operator page lists dead jobs newest first (filtered by lane, kind, error code): dead jobs
-- are few among many finished ones, so without this the planner reads the whole table for them.
-- Small (only dead rows) and touched only when a job dies or is retried.
CREATE INDEX jobs_dead_idx ON jobs (id) WHERE state = 'dead';

-- The daemons running queue workers, for the operator page's "workers online": each runner
-- records itself at start and every 15 s (seen_at) and deletes its row when it stops; a row not
-- seen for a minute is a daemon that died (the page leaves it out; a day later it is deleted).
CREATE TABLE queue_daemons (
    owner      text        PRIMARY KEY CHECK (owner <> ''),
    lanes      text        NOT NULL,
    -- What else the daemon says of itself (serve: its media worker children and their crashes).
    detail     text,
    started_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now()
);
