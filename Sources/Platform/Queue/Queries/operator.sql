-- Operators: inspect, retry, cancel, count. Job rows come back with the columns JobRecord reads.

-- name: GetJob
-- $1 id: the live row, or the archived one.
SELECT id, kind, lane, payload, state::text AS state, priority, run_at, attempts, max_attempts,
       lease_owner, lease_expires_at, heartbeat_at, progress, stage, cancel_requested, last_error,
       errors, idempotency_key, created_at, started_at, finished_at, false AS archived
FROM jobs WHERE id = $1::bigint
UNION ALL
SELECT id, kind, lane, payload, state::text, priority, run_at, attempts, max_attempts,
       NULL, NULL, NULL, NULL, NULL, false, last_error,
       errors, idempotency_key, created_at, started_at, finished_at, true
FROM job_history WHERE id = $1::bigint;

-- name: ListJobs
-- $1 state, $2 kind, $3 lane, $4 limit, $5 code of the last error, $6 content key, $7 only ids
-- below this (each NULL = any). Newest first: a backward walk of the primary key (or of
-- jobs_content_key_idx for one input), never a scan of the whole table.
SELECT id, kind, lane, payload, state::text AS state, priority, run_at, attempts, max_attempts,
       lease_owner, lease_expires_at, heartbeat_at, progress, stage, cancel_requested, last_error,
       errors, idempotency_key, created_at, started_at, finished_at, false AS archived
FROM jobs
WHERE ($1::job_state IS NULL OR state = $1::job_state)
  AND ($2::text IS NULL OR kind = $2::text)
  AND ($3::text IS NULL OR lane = $3::text)
  AND ($5::text IS NULL OR errors -> -1 ->> 'code' = $5::text)
  AND ($6::text IS NULL OR content_key = $6::text)
  AND ($7::bigint IS NULL OR id < $7::bigint)
ORDER BY id DESC
LIMIT $4::integer;

-- name: RetryJob
-- $1 id: a dead or cancelled job runs again now (with at least one attempt left); an available
-- job scheduled for later runs now. Running and succeeded jobs are left alone (no row).
UPDATE jobs SET
    state = 'available', run_at = least(run_at, now()), finished_at = NULL,
    cancel_requested = false, max_attempts = greatest(max_attempts, attempts + 1)
WHERE id = $1::bigint AND state IN ('available', 'dead', 'cancelled')
RETURNING id, pg_notify('mediadaemon_jobs', lane)::text AS notified;

-- name: RetryDeadJobs
-- $1 kind, $2 lane, $3 code of the last error, $4 content key (each NULL = any): every such
-- dead job runs again now.
UPDATE jobs SET
    state = 'available', run_at = now(), finished_at = NULL,
    cancel_requested = false, max_attempts = greatest(max_attempts, attempts + 1)
WHERE state = 'dead' AND ($1::text IS NULL OR kind = $1::text)
  AND ($2::text IS NULL OR lane = $2::text)
  AND ($3::text IS NULL OR errors -> -1 ->> 'code' = $3::text)
  AND ($4::text IS NULL OR content_key = $4::text)
RETURNING id, pg_notify('mediadaemon_jobs', lane)::text AS notified;

-- name: CancelJob
-- $1 id: an available job is cancelled at once; a running one gets its cancel flag, which the
-- next heartbeat brings to its worker. Returns the state after the update (no row: already
-- finished or unknown).
UPDATE jobs SET
    state = CASE WHEN state = 'available' THEN 'cancelled'::job_state ELSE state END,
    finished_at = CASE WHEN state = 'available' THEN now() ELSE finished_at END,
    cancel_requested = true
WHERE id = $1::bigint AND state IN ('available', 'running')
RETURNING state::text AS state;

-- name: CountJobs
-- Counts by lane and state, with the age in seconds of the oldest job due to run per lane.
SELECT lane, state::text AS state, count(*) AS count,
       extract(epoch FROM now() - min(run_at) FILTER (WHERE state = 'available' AND run_at <= now()))::float8
           AS oldest_due_seconds
FROM jobs
GROUP BY lane, state
ORDER BY lane, state;

-- name: CountRecentOutcomes
-- Over the last $1 seconds: jobs completed, jobs that went dead, failed attempts recorded.
SELECT
    count(*) FILTER (WHERE state = 'succeeded' AND finished_at > now() - make_interval(secs => $1::float8)) AS succeeded,
    count(*) FILTER (WHERE state = 'dead' AND finished_at > now() - make_interval(secs => $1::float8)) AS dead,
    coalesce(sum((
        SELECT count(*) FROM jsonb_array_elements(errors) AS e
        WHERE (e ->> 'at')::timestamptz > now() - make_interval(secs => $1::float8))), 0)::bigint AS failed_attempts
FROM jobs
WHERE errors <> '[]'::jsonb OR finished_at > now() - make_interval(secs => $1::float8);
