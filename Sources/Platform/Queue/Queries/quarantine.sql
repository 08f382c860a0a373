-- Quarantined inputs (see migration 0006): list, lift, and the reset a success brings.

-- name: ListQuarantines
-- Quarantined inputs, newest first, with how many of their jobs are dead in the live table.
SELECT k.content_key, k.kills, k.last_job_id, k.last_kind, k.last_error, k.last_killed_at, k.quarantined_at,
       (SELECT count(*) FROM jobs WHERE jobs.content_key = k.content_key AND jobs.state = 'dead') AS dead_jobs
FROM job_content_kills AS k
WHERE k.quarantined_at IS NOT NULL
ORDER BY k.quarantined_at DESC, k.content_key;

-- name: LiftQuarantine
-- $1 content key: forgets the input's kills, so new jobs for it are accepted again. Returns the
-- dead jobs of the input still in the live table (for `jobs retry`). No row from the CTE: the
-- key was not quarantined.
WITH lifted AS (
    DELETE FROM job_content_kills WHERE content_key = $1::text AND quarantined_at IS NOT NULL
    RETURNING content_key
)
SELECT l.content_key,
       coalesce(ARRAY(SELECT id FROM jobs WHERE content_key = l.content_key AND state = 'dead' ORDER BY id),
                '{}'::bigint[]) AS dead_jobs
FROM lifted AS l;

-- name: ResetContentKills
-- $1 content key: a job for the input succeeded, so its kills are no longer "in a row". A
-- quarantine stays until an operator lifts it.
DELETE FROM job_content_kills WHERE content_key = $1::text AND quarantined_at IS NULL;

-- name: RecordWorkerKill
-- $1 job id, $2 attempt, $3 owner, $4 error, $5 quarantine after this many kills in a row
-- (NULL = never), $6 now, $7 lease token. The worker process running this attempt died holding it: one kill of
-- the job's input, fenced like every write of an attempt (no row when the lease was lost or the
-- job names no input). Returns the input's kills in a row and whether it is now quarantined.
INSERT INTO job_content_kills AS k (content_key, kills, last_job_id, last_kind, last_error, last_killed_at, quarantined_at)
SELECT content_key, 1, id, kind, $4::text, coalesce($6::timestamptz, now()),
       CASE WHEN 1 >= $5::integer THEN coalesce($6::timestamptz, now()) END
FROM jobs
WHERE id = $1::bigint AND attempts = $2::integer AND lease_owner = $3::text AND state = 'running'
  AND lease_token IS NOT DISTINCT FROM $7::bigint AND content_key IS NOT NULL
ON CONFLICT (content_key) DO UPDATE SET
    kills = k.kills + 1,
    last_job_id = excluded.last_job_id,
    last_kind = excluded.last_kind,
    last_error = excluded.last_error,
    last_killed_at = excluded.last_killed_at,
    quarantined_at = coalesce(k.quarantined_at, CASE WHEN k.kills + 1 >= $5::integer THEN excluded.last_killed_at END)
RETURNING k.kills, k.quarantined_at IS NOT NULL AS quarantined;
