-- The worker's side: claim, heartbeat, finish, release. Every write after the claim is fenced
-- by (id, attempts, lease_owner, lease_token, state = 'running'): a holder whose lease was
-- rescued matches no row and learns it lost the job. lease_token is the claim's random token
-- (migration 0032; NULL in a lease that has none, matched with IS NOT DISTINCT FROM). $now
-- parameters are NULL in production (server clock) and pinned by tests.

-- name: ClaimJobs
-- $1 lane, $2 at most this many, $3 lease owner, $4 lease seconds, $5 now, $6 the claim's
-- random token.
-- The inner SELECT walks jobs_claim_idx in claim order and skips rows other claimers hold. The
-- index is keyed by the lane's hash (migration 0011): the hash condition finds the lane's range,
-- the lane condition drops rows of another lane that hashes alike.
-- A claim that took a row commits without waiting for its WAL flush (set_config local to the
-- transaction, evaluated per returned row, so an empty claim changes nothing): the flush was
-- most of the time between a NOTIFY and the handler's start. A crash may lose such a claim;
-- the job is then available again under its old attempt number, and the lost holder's writes
-- match nothing because they carry this claim's token (see migration 0032). Inside a caller's
-- own transaction the setting applies to that whole transaction.
UPDATE jobs SET
    state = 'running',
    attempts = attempts + 1,
    lease_owner = $3::text,
    lease_token = $6::bigint,
    lease_expires_at = coalesce($5::timestamptz, now()) + make_interval(secs => $4::float8),
    heartbeat_at = coalesce($5::timestamptz, now()),
    started_at = coalesce($5::timestamptz, now()),
    progress = NULL,
    stage = NULL,
    progress_at = coalesce($5::timestamptz, now())
WHERE id = ANY(ARRAY(
    SELECT id FROM jobs
    WHERE state = 'available' AND hashtext(lane) = hashtext($1::text) AND lane = $1::text
      AND run_at <= coalesce($5::timestamptz, now())
    ORDER BY priority, run_at, id
    LIMIT $2::integer
    FOR UPDATE SKIP LOCKED))
RETURNING id, kind, lane, payload, priority, run_at, attempts, max_attempts, created_at,
          idempotency_key, lease_owner, lease_expires_at, lease_token,
          set_config('synchronous_commit', 'off', true) AS commit_mode;

-- name: HeartbeatJobs
-- $1 ids, $2 attempts, $3 progress (-1 = none), $4 stages ('' = none), $5 owner, $6 lease seconds,
-- $7 lease tokens.
-- One statement per process per beat. Returns the jobs still held, with their cancel flags;
-- a job missing from the result was rescued or finished by someone else.
UPDATE jobs AS j SET
    lease_expires_at = now() + make_interval(secs => $6::float8),
    heartbeat_at = now(),
    progress_at = CASE
        WHEN j.progress IS DISTINCT FROM nullif(h.progress, -1) OR j.stage IS DISTINCT FROM nullif(h.stage, '')
        THEN now() ELSE j.progress_at END,
    progress = nullif(h.progress, -1),
    stage = nullif(h.stage, '')
FROM unnest($1::bigint[], $2::integer[], $3::real[], $4::text[], $7::bigint[]) AS h(id, attempt, progress, stage, token)
WHERE j.id = h.id AND j.attempts = h.attempt AND j.lease_owner = $5::text AND j.state = 'running'
  AND j.lease_token IS NOT DISTINCT FROM h.token
RETURNING j.id, j.cancel_requested;

-- name: CompleteJob
-- $1 id, $2 attempt, $3 owner, $4 token. No row: the lease was lost.
UPDATE jobs SET
    state = 'succeeded', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,
    progress = 1
WHERE id = $1::bigint AND attempts = $2::integer AND lease_owner = $3::text AND state = 'running'
  AND lease_token IS NOT DISTINCT FROM $4::bigint
RETURNING id;

-- name: CompleteJobs
-- $1 ids, $2 attempts, $3 owner, $4 tokens: batched completion of jobs with no result write. Returns the
-- ids completed; a missing id's lease was lost.
UPDATE jobs AS j SET
    state = 'succeeded', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,
    progress = 1
FROM unnest($1::bigint[], $2::integer[], $4::bigint[]) AS c(id, attempt, token)
WHERE j.id = c.id AND j.attempts = c.attempt AND j.lease_owner = $3::text AND j.state = 'running'
  AND j.lease_token IS NOT DISTINCT FROM c.token
RETURNING j.id;

-- name: FailJob
-- $1 id, $2 attempt, $3 owner, $4 code, $5 message, $6 permanent, $7 retry delay seconds, $8 now,
-- $9 token.
-- Permanent failures and the last attempt go to dead; others back to available after the delay.
UPDATE jobs SET
    state = CASE WHEN $6::boolean OR attempts >= max_attempts
                 THEN 'dead'::job_state ELSE 'available'::job_state END,
    run_at = CASE WHEN $6::boolean OR attempts >= max_attempts
                  THEN run_at ELSE coalesce($8::timestamptz, now()) + make_interval(secs => $7::float8) END,
    finished_at = CASE WHEN $6::boolean OR attempts >= max_attempts
                       THEN coalesce($8::timestamptz, now()) END,
    lease_owner = NULL,
    lease_expires_at = NULL,
    last_error = $5::text,
    errors = errors || jsonb_build_array(jsonb_build_object(
        'attempt', attempts, 'at', coalesce($8::timestamptz, now()), 'code', $4::text, 'message', $5::text))
WHERE id = $1::bigint AND attempts = $2::integer AND lease_owner = $3::text AND state = 'running'
  AND lease_token IS NOT DISTINCT FROM $9::bigint
RETURNING state::text AS state, run_at;

-- name: CancelClaimedJob
-- $1 id, $2 attempt, $3 owner, $4 token: the handler stopped because an operator cancelled the job.
UPDATE jobs SET
    state = 'cancelled', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,
    last_error = 'cancelled by an operator',
    errors = errors || jsonb_build_array(jsonb_build_object(
        'attempt', attempts, 'at', now(), 'code', 'cancelled', 'message', 'cancelled by an operator'))
WHERE id = $1::bigint AND attempts = $2::integer AND lease_owner = $3::text AND state = 'running'
  AND lease_token IS NOT DISTINCT FROM $4::bigint
RETURNING id;

-- name: ReleaseJobs
-- $1 ids, $2 attempts, $3 owner, $4 tokens. Graceful shutdown: the jobs are available again at once. The
-- attempt is not held against the job (max_attempts grows by one) but attempts stays
-- monotonic, so it remains a valid fencing token. NOTIFYs with the same lane collapse into one.
UPDATE jobs AS j SET
    state = 'available', lease_owner = NULL, lease_expires_at = NULL,
    max_attempts = j.max_attempts + 1
FROM unnest($1::bigint[], $2::integer[], $4::bigint[]) AS r(id, attempt, token)
WHERE j.id = r.id AND j.attempts = r.attempt AND j.lease_owner = $3::text AND j.state = 'running'
  AND j.lease_token IS NOT DISTINCT FROM r.token
RETURNING j.id, pg_notify('mediadaemon_jobs', j.lane)::text AS notified;
