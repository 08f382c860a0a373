-- The job queue: one hot table of live and recently finished jobs, plus an archive.
--
-- Job lifecycle (enforced by the enum and the CHECK constraints below):
--
--                 enqueue (run_at may be in the future)
--                      |
--                      v
--   +----------> available ---------- cancel ----------> cancelled
--   |  retry        |   ^                                    ^
--   |  (operator)   |   | transient failure: run_at = now + backoff
--   |            claim  | lease expired (rescuer) / released at shutdown
--   |               v   |                                    |
--   |            running -------- cancel flag seen ----------+
--   |               |   \
--   |      complete |    \ permanent failure, attempts exhausted,
--   |               v     \ lease expired on the last attempt
--   |          succeeded   `-------------> dead
--   |                                       |
--   +---------------------------------------+
--
-- Only `running` rows hold a lease (owner + expiry); only succeeded, dead and cancelled rows
-- have finished_at. `attempts` counts claims and is the fencing token: complete, fail and
-- heartbeat match (id, attempts, lease_owner), so a holder whose lease was rescued cannot
-- write. Finished rows are moved to job_history by the cleaner so the claim's partial index
-- and the heap the claim visits stay small.
CREATE TYPE job_state AS ENUM ('available', 'running', 'succeeded', 'dead', 'cancelled');

CREATE TABLE jobs (
    id               bigserial PRIMARY KEY,
    kind             text        NOT NULL CHECK (kind <> '' AND length(kind) <= 128),
    lane             text        NOT NULL DEFAULT 'default' CHECK (lane ~ '^[a-z0-9_]{1,32}$'),
    payload          jsonb       NOT NULL DEFAULT '{}',
    state            job_state   NOT NULL DEFAULT 'available',
    -- Lower runs first.
    priority         smallint    NOT NULL DEFAULT 0,
    run_at           timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     integer     NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    lease_owner      text,
    lease_expires_at timestamptz,
    heartbeat_at     timestamptz,
    -- 0...1 and a free-form stage, written by the batched heartbeat; progress_at is when either
    -- last changed, which is what stall detection looks at.
    progress         real        CHECK (progress BETWEEN 0 AND 1),
    stage            text,
    progress_at      timestamptz,
    cancel_requested boolean     NOT NULL DEFAULT false,
    last_error       text,
    -- [{"attempt": 1, "at": "…", "code": "timeout", "message": "…"}, …]
    errors           jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
    idempotency_key  text        CHECK (idempotency_key <> ''),
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,

    CONSTRAINT jobs_lease_only_when_running CHECK (
        (state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CONSTRAINT jobs_lease_columns_together CHECK (
        (lease_owner IS NULL) = (lease_expires_at IS NULL)),
    CONSTRAINT jobs_finished_only_when_final CHECK (
        (state IN ('succeeded', 'dead', 'cancelled')) = (finished_at IS NOT NULL)),
    CONSTRAINT jobs_running_was_claimed CHECK (
        state <> 'running' OR (attempts >= 1 AND started_at IS NOT NULL)),
    CONSTRAINT jobs_attempts_within_max CHECK (attempts <= max_attempts)
) WITH (fillfactor = 85);

-- The claim: one lane, ordered exactly like the claim's ORDER BY, live rows only.
CREATE INDEX jobs_claim_idx ON jobs (lane, priority, run_at, id) WHERE state = 'available';
-- The rescuer and the heartbeat's view of what is running.
CREATE INDEX jobs_running_idx ON jobs (lease_expires_at) WHERE state = 'running';
-- The cleaner: oldest finished rows first.
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE state IN ('succeeded', 'dead', 'cancelled');
-- Idempotent enqueue: one job per key while it is in the hot table.
CREATE UNIQUE INDEX jobs_idempotency_key_idx ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Operator listings by kind.
CREATE INDEX jobs_kind_state_idx ON jobs (kind, state);

-- Finished jobs moved out of the hot table by the cleaner, kept for `jobs show` and audits,
-- deleted in batches after their own retention.
CREATE TABLE job_history (
    id               bigint      PRIMARY KEY,
    kind             text        NOT NULL,
    lane             text        NOT NULL,
    payload          jsonb       NOT NULL,
    state            job_state   NOT NULL CHECK (state IN ('succeeded', 'dead', 'cancelled')),
    priority         smallint    NOT NULL,
    run_at           timestamptz NOT NULL,
    attempts         integer     NOT NULL,
    max_attempts     integer     NOT NULL,
    last_error       text,
    errors           jsonb       NOT NULL,
    idempotency_key  text,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz NOT NULL,
    archived_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_history_finished_idx ON job_history (finished_at);

-- Wakes idle workers: one notification per lane per INSERT statement (not per row), so a
-- 10k-job batch sends one, and a plain INSERT from another service wakes workers too.
-- The payload is the lane name.
CREATE FUNCTION jobs_notify_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mediadaemon_jobs', lane)
    FROM (SELECT DISTINCT lane FROM inserted_jobs WHERE state = 'available' AND run_at <= now()) AS lanes;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_inserted
    AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS inserted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_inserted();
