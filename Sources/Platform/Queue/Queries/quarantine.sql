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
