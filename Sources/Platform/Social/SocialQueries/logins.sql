-- Failed log-ins (LoginThrottle, migration 0015): keys are `user:<username>` and
-- `address:<client address>`. $now parameters are NULL in production (the server's clock) and
-- pinned by tests.

-- name: LoginLockout
-- $1 keys (text[]), $2 now. One row: the whole seconds until the latest lock among the keys
-- ends, or NULL when none is in force.
SELECT ceil(extract(epoch FROM max(locked_until) - coalesce($2::timestamptz, now())))::int8 AS wait_seconds
FROM login_failures
WHERE key = ANY($1::text[]) AND locked_until > coalesce($2::timestamptz, now());

-- name: RecordLoginFailure
-- $1 keys (text[]), $2 free failures, $3 first lock (seconds), $4 longest lock (seconds), $5
-- forget after (seconds), $6 now. Counts one failure per key (a key whose last failure is
-- older than the forget time starts again at one); the n-th failure locks the key for
-- nothing while n <= $2, then $3 seconds doubled per failure beyond, at most $4.
INSERT INTO login_failures AS f (key, failures, last_failure, locked_until)
SELECT k, 1, coalesce($6::timestamptz, now()),
       coalesce($6::timestamptz, now())
         + CASE WHEN 1 > $2::integer THEN make_interval(secs => least($3::float8, $4::float8)) ELSE interval '0' END
FROM unnest($1::text[]) AS k
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN f.last_failure < coalesce($6::timestamptz, now()) - make_interval(secs => $5::float8)
               THEN 1 ELSE least(f.failures, 1000000) + 1 END,
    last_failure = coalesce($6::timestamptz, now()),
    locked_until = coalesce($6::timestamptz, now()) + CASE
        WHEN f.last_failure < coalesce($6::timestamptz, now()) - make_interval(secs => $5::float8) OR f.failures + 1 <= $2::integer
        THEN interval '0'
        ELSE make_interval(secs => least($4::float8, $3::float8 * power(2, least(f.failures + 1 - $2::integer - 1, 40))))
    END;

-- name: ClearLoginFailures
-- $1 key: after a successful log-in, the username's count starts again.
DELETE FROM login_failures WHERE key = $1::text;

-- name: DeleteStaleLoginFailures
-- $1 forget after (seconds), $2 now, $3 rows at most. Rows whose last failure is older than
-- the forget time and whose lock has ended; returns how many were deleted.
WITH gone AS (
    DELETE FROM login_failures WHERE key = ANY(ARRAY(
        SELECT key FROM login_failures
        WHERE last_failure < coalesce($2::timestamptz, now()) - make_interval(secs => $1::float8)
          AND locked_until <= coalesce($2::timestamptz, now())
        LIMIT $3::integer))
    RETURNING 1
)
SELECT count(*)::int8 AS deleted FROM gone;
