-- The operator page's view of the queue (JobQueue+Overview). Each statement reads one of the
-- partial indexes of migration 0002 (live jobs: jobs_claim_idx, jobs_running_idx; finished:
-- jobs_finished_idx, job_history_finished_idx), so a table with a long history costs them
-- nothing: QueueOverviewPlanTests checks the plans.

-- name: CountLiveJobs
-- Per lane: available and running jobs, with the age in seconds of the oldest available job
-- that is due (NULL when none is).
SELECT lane, 'available' AS state, count(*) AS count,
       extract(epoch FROM now() - min(run_at) FILTER (WHERE run_at <= now()))::float8 AS oldest_due_seconds
FROM jobs WHERE state = 'available'
GROUP BY lane
UNION ALL
SELECT lane, 'running', count(*), NULL::float8
FROM jobs WHERE state = 'running'
GROUP BY lane
ORDER BY 1, 2;

-- name: CountFinishedJobs
-- $1 seconds: per lane, jobs that succeeded, went dead or were cancelled in the last $1 seconds
-- and are still in the live table.
SELECT lane, state::text AS state, count(*) AS count
FROM jobs
WHERE state IN ('succeeded', 'dead', 'cancelled') AND finished_at > now() - make_interval(secs => $1::float8)
GROUP BY lane, state
ORDER BY lane, state;

-- name: JobsPerMinute
-- $1 minutes: jobs that succeeded and that went dead in each of the last $1 minutes (the
-- current one last), live and archived; one row per minute, zeros included.
WITH finished AS (
    SELECT state::text AS state, finished_at FROM jobs
    WHERE state IN ('succeeded', 'dead', 'cancelled')
      AND finished_at >= date_trunc('minute', now()) - make_interval(mins => $1::integer - 1)
    UNION ALL
    SELECT state::text, finished_at FROM job_history
    WHERE finished_at >= date_trunc('minute', now()) - make_interval(mins => $1::integer - 1)
)
SELECT m.minute,
       count(f.state) FILTER (WHERE f.state = 'succeeded') AS succeeded,
       count(f.state) FILTER (WHERE f.state = 'dead') AS dead
FROM generate_series(
         date_trunc('minute', now()) - make_interval(mins => $1::integer - 1), date_trunc('minute', now()),
         interval '1 minute') AS m(minute)
LEFT JOIN finished f ON date_trunc('minute', f.finished_at) = m.minute
GROUP BY m.minute
ORDER BY m.minute;

-- name: FailureCodes
-- $1 seconds: jobs that went dead in the last $1 seconds, by the code of their last error,
-- with how many inputs (content keys) they name and the newest such job. Most frequent first.
SELECT coalesce(errors -> -1 ->> 'code', 'unknown') AS code, count(*) AS jobs,
       count(DISTINCT content_key) AS inputs, max(id) AS newest_job_id, max(finished_at) AS last_at
FROM jobs
WHERE state IN ('succeeded', 'dead', 'cancelled') AND state = 'dead'
  AND finished_at > now() - make_interval(secs => $1::float8)
GROUP BY 1
ORDER BY jobs DESC, code;

-- name: QueueDaemons
-- $1 seconds: the daemons seen in the last $1 seconds (queue_daemons) and any other lease owner
-- holding running jobs (a daemon older than the table), with their lanes (comma-separated),
-- how many jobs each runs, and the newest sign of life (its presence or a job's heartbeat).
WITH running AS (
    SELECT lease_owner AS owner, string_agg(DISTINCT lane, ',' ORDER BY lane) AS lanes, count(*) AS running,
           max(heartbeat_at) AS last_heartbeat
    FROM jobs WHERE state = 'running'
    GROUP BY lease_owner
), seen AS (
    SELECT owner, lanes, detail, started_at, seen_at FROM queue_daemons
    WHERE seen_at > now() - make_interval(secs => $1::float8)
)
SELECT coalesce(seen.owner, running.owner) AS owner, coalesce(seen.lanes, running.lanes) AS lanes,
       coalesce(running.running, 0) AS running, greatest(seen.seen_at, running.last_heartbeat) AS last_heartbeat,
       seen.started_at, seen.detail
FROM seen FULL JOIN running ON running.owner = seen.owner
ORDER BY 1;

-- name: DatabaseHealth
-- The server's version, this database's size in bytes and its open connections.
SELECT current_setting('server_version') AS server_version,
       pg_database_size(current_database()) AS size_bytes,
       (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()) AS connections;
