-- Maintenance: rescue and retention. Both take SKIP LOCKED batches, so any number of daemons
-- may run them at once without a leader and without doing the same row twice.

-- name: RescueJobs
-- $1 now, $2 batch size, $3 stall seconds (NULL = no stall detection).
-- Running jobs whose lease expired (worker gone) or whose progress has not moved for the stall
-- time go back to available at once, or to dead when that was their last attempt.
WITH stuck AS (
    SELECT id, lease_expires_at < coalesce($1::timestamptz, now()) AS expired
    FROM jobs
    WHERE state = 'running'
      AND (lease_expires_at < coalesce($1::timestamptz, now())
           OR progress_at < coalesce($1::timestamptz, now()) - make_interval(secs => $3::float8))
    ORDER BY lease_expires_at
    LIMIT $2::integer
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs AS j SET
    state = CASE WHEN j.attempts >= j.max_attempts THEN 'dead'::job_state ELSE 'available'::job_state END,
    finished_at = CASE WHEN j.attempts >= j.max_attempts THEN coalesce($1::timestamptz, now()) END,
    lease_owner = NULL,
    lease_expires_at = NULL,
    last_error = CASE WHEN stuck.expired THEN 'lease expired: the worker stopped heartbeating'
                      ELSE 'stalled: no progress within the stall timeout' END,
    errors = j.errors || jsonb_build_array(jsonb_build_object(
        'attempt', j.attempts, 'at', coalesce($1::timestamptz, now()),
        'code', CASE WHEN stuck.expired THEN 'lease_expired' ELSE 'stalled' END,
        'message', CASE WHEN stuck.expired THEN 'lease expired: the worker stopped heartbeating'
                        ELSE 'stalled: no progress within the stall timeout' END))
FROM stuck
WHERE j.id = stuck.id
RETURNING j.id, j.state::text AS state, pg_notify('mediadaemon_jobs', j.lane)::text AS notified;

-- name: ArchiveFinishedJobs
-- $1 cutoff, $2 batch size: moves up to $2 jobs finished before $1 from jobs to job_history in
-- one statement. The affected row count is the number moved.
WITH moved AS (
    DELETE FROM jobs
    WHERE id = ANY(ARRAY(
        SELECT id FROM jobs
        WHERE state IN ('succeeded', 'dead', 'cancelled') AND finished_at < $1::timestamptz
        ORDER BY finished_at
        LIMIT $2::integer
        FOR UPDATE SKIP LOCKED))
    RETURNING *
)
INSERT INTO job_history (id, kind, lane, payload, state, priority, run_at, attempts, max_attempts,
                         last_error, errors, idempotency_key, created_at, started_at, finished_at)
SELECT id, kind, lane, payload, state, priority, run_at, attempts, max_attempts,
       last_error, errors, idempotency_key, created_at, started_at, finished_at
FROM moved
ON CONFLICT (id) DO NOTHING;

-- name: DeleteArchivedJobs
-- $1 cutoff, $2 batch size: deletes up to $2 archived jobs finished before $1.
DELETE FROM job_history
WHERE id = ANY(ARRAY(
    SELECT id FROM job_history
    WHERE finished_at < $1::timestamptz
    ORDER BY finished_at
    LIMIT $2::integer
    FOR UPDATE SKIP LOCKED));
