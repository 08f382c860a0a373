-- Maintenance: rescue and retention. Both take SKIP LOCKED batches, so any number of daemons
-- may run them at once without a leader and without doing the same row twice.

-- name: RescueJobs
-- $1 now, $2 batch size, $3 stall seconds (NULL = no stall detection), $4 quarantine after this
-- many kills in a row (NULL = never).
-- Running jobs whose lease expired (worker gone) or whose progress has not moved for the stall
-- time go back to available at once, or to dead when that was their last attempt. A stalled
-- attempt is a kill of the job's input (content_key): when an input reaches $4 kills in a row
-- the job goes dead as `quarantined`, the input is recorded, and its other queued jobs are
-- dead-lettered with it. An expired lease is not: the whole daemon died, with every job it held,
-- and the worker process that crashes on an input records its own kill (RecordWorkerKill).
WITH stuck AS (
    SELECT id, content_key, kind, lease_expires_at < coalesce($1::timestamptz, now()) AS expired
    FROM jobs
    WHERE state = 'running'
      AND (lease_expires_at < coalesce($1::timestamptz, now())
           OR progress_at < coalesce($1::timestamptz, now()) - make_interval(secs => $3::float8))
    ORDER BY lease_expires_at
    LIMIT $2::integer
    FOR UPDATE SKIP LOCKED
), kills AS (
    INSERT INTO job_content_kills AS k (content_key, kills, last_job_id, last_kind, last_error, last_killed_at, quarantined_at)
    SELECT content_key, count(*), max(id), max(kind), 'stalled',
           coalesce($1::timestamptz, now()),
           CASE WHEN count(*) >= $4::integer THEN coalesce($1::timestamptz, now()) END
    FROM stuck
    WHERE content_key IS NOT NULL AND $4::integer IS NOT NULL AND NOT expired
    GROUP BY content_key
    ON CONFLICT (content_key) DO UPDATE SET
        kills = k.kills + excluded.kills,
        last_job_id = excluded.last_job_id,
        last_kind = excluded.last_kind,
        last_error = excluded.last_error,
        last_killed_at = excluded.last_killed_at,
        quarantined_at = coalesce(k.quarantined_at,
            CASE WHEN k.kills + excluded.kills >= $4::integer THEN excluded.last_killed_at END)
    RETURNING k.content_key, k.kills, k.quarantined_at IS NOT NULL AS quarantined
), verdict AS (
    SELECT stuck.id, stuck.content_key, stuck.expired,
           coalesce(kills.quarantined, false) AS quarantined, kills.kills,
           CASE WHEN coalesce(kills.quarantined, false) THEN 'quarantined'
                WHEN stuck.expired THEN 'lease_expired' ELSE 'stalled' END AS code,
           CASE WHEN stuck.expired THEN 'lease expired: the worker stopped heartbeating'
                ELSE 'stalled: no progress within the stall timeout' END
           || CASE WHEN coalesce(kills.quarantined, false)
                   THEN '; input ' || stuck.content_key || ' quarantined after ' || kills.kills || ' attempts in a row'
                   ELSE '' END AS message
    FROM stuck LEFT JOIN kills ON kills.content_key = stuck.content_key
), siblings AS (
    -- Queued jobs for an input quarantined by this pass: dead now, never claimed.
    UPDATE jobs AS j SET
        state = 'dead', finished_at = coalesce($1::timestamptz, now()),
        last_error = 'quarantined: input ' || j.content_key || ' killed its workers; lift with `jobs quarantine lift`',
        errors = j.errors || jsonb_build_array(jsonb_build_object(
            'attempt', j.attempts, 'at', coalesce($1::timestamptz, now()), 'code', 'quarantined',
            'message', 'quarantined: input ' || j.content_key || ' killed its workers; lift with `jobs quarantine lift`'))
    FROM kills
    WHERE kills.quarantined AND j.content_key = kills.content_key AND j.state = 'available'
    RETURNING j.id
)
UPDATE jobs AS j SET
    state = CASE WHEN v.quarantined OR j.attempts >= j.max_attempts THEN 'dead'::job_state ELSE 'available'::job_state END,
    finished_at = CASE WHEN v.quarantined OR j.attempts >= j.max_attempts THEN coalesce($1::timestamptz, now()) END,
    lease_owner = NULL,
    lease_expires_at = NULL,
    last_error = v.message,
    errors = j.errors || jsonb_build_array(jsonb_build_object(
        'attempt', j.attempts, 'at', coalesce($1::timestamptz, now()), 'code', v.code, 'message', v.message))
FROM verdict AS v
WHERE j.id = v.id
RETURNING j.id, j.state::text AS state, v.code, (SELECT count(*) FROM siblings) AS siblings,
          pg_notify('mediadaemon_jobs', j.lane)::text AS notified;

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
