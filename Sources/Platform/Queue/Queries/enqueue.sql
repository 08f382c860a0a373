-- Enqueue. Parameters are parallel arrays, one element per job, so a batch of any size is one
-- statement and one round trip. Arrays carry no NULLs: an empty run_at means "now", an empty
-- idempotency key means "none". The jobs_notify_inserted trigger sends one NOTIFY per lane.

-- name: EnqueueJobs
-- $1 kinds, $2 lanes, $3 payloads, $4 priorities, $5 run_at (ISO 8601 or ''), $6 max attempts,
-- $7 idempotency keys (or ''). Returns the id and key of each job inserted. Rows are inserted in
-- input order, so ids (drawn from the sequence as each row is inserted) ascend with the input:
-- the caller maps the i-th smallest id to the i-th input that was inserted. An input whose key
-- already names a job, or repeats a key earlier in the batch, inserts nothing; the caller looks
-- those keys up with JobIDsForKeys. No joins and no per-row subqueries: the plan stays a
-- function scan feeding the insert, cheap enough that the server never compiles it (JIT).
INSERT INTO jobs (kind, lane, payload, priority, run_at, max_attempts, idempotency_key)
SELECT i.kind, i.lane, i.payload, i.priority, coalesce(nullif(i.run_at, '')::timestamptz, now()),
       i.max_attempts, nullif(i.idempotency_key, '')
FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::smallint[], $5::text[], $6::integer[], $7::text[])
     WITH ORDINALITY AS i(kind, lane, payload, priority, run_at, max_attempts, idempotency_key, ordinal)
ORDER BY i.ordinal
ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id, idempotency_key;

-- name: EnqueueUnkeyedJobs
-- EnqueueJobs for a batch in which no job has an idempotency key ($1–$6 as there): a plain
-- insert. ON CONFLICT makes every row a speculative insertion checked against the key index,
-- about a tenth of a 10k batch's time, for nothing when there are no keys.
INSERT INTO jobs (kind, lane, payload, priority, run_at, max_attempts)
SELECT i.kind, i.lane, i.payload, i.priority, coalesce(nullif(i.run_at, '')::timestamptz, now()), i.max_attempts
FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::smallint[], $5::text[], $6::integer[])
     WITH ORDINALITY AS i(kind, lane, payload, priority, run_at, max_attempts, ordinal)
ORDER BY i.ordinal
RETURNING id, idempotency_key;

-- name: JobIDsForKeys
-- Follow-up for the keys EnqueueJobs did not insert: the jobs that already hold them (a new
-- statement, so it also sees a key a concurrent enqueue committed while the insert waited).
SELECT idempotency_key, id FROM jobs WHERE idempotency_key = ANY($1::text[]);
