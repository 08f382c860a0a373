-- Enqueue. A batch is one statement and one round trip: the payloads are an array, one element
-- per job, and so is every other column whose value differs between the jobs of the batch. A
-- column whose value is the same for every job is sent once, as a scalar, with an empty array:
-- unnest pads a shorter array with NULLs, and coalesce then takes the scalar. (Most batches
-- share kind, lane, priority, run time and attempts, so the server reads one array, not six.)
-- A NULL run time means "now". Parameters travel in binary, so the server does not parse array
-- text. Payloads travel as text and become jsonb row by row: a jsonb[] parameter is parsed
-- whole before the first row, every element keeping its parser's buffers until the statement
-- ends (megabytes for 10k jobs, fresh memory the kernel faults in each time); cast in the
-- select list, each payload is parsed in memory reused from one row to the next. Same parser,
-- same errors: one malformed payload fails the whole statement. The jobs_notify_inserted
-- trigger sends one NOTIFY per lane per statement.

-- name: EnqueueJobs
-- $1 payloads (JSON text); per-job columns (or empty arrays): $2 kinds, $3 lanes, $4 priorities, $5 run
-- times (NULL = now), $6 max attempts, $7 idempotency keys (NULL = none); the shared values for
-- empty arrays: $8 kind, $9 lane, $10 priority, $11 run time, $12 max attempts. Returns the id
-- and key of each job inserted. Rows are inserted in input order, so ids (drawn from the
-- sequence as each row is inserted) ascend with the input: the caller maps the i-th smallest id
-- to the i-th input that was inserted. An input whose key already names a job, or repeats a key
-- earlier in the batch, inserts nothing; the caller looks those keys up with JobIDsForKeys. No
-- joins and no per-row subqueries: the plan stays a function scan feeding the insert, cheap
-- enough that the server never compiles it (JIT).
INSERT INTO jobs (kind, lane, payload, priority, run_at, max_attempts, idempotency_key)
SELECT coalesce(i.kind, $8::text), coalesce(i.lane, $9::text), i.payload::jsonb, coalesce(i.priority, $10::smallint),
       coalesce(i.run_at, $11::timestamptz, now()), coalesce(i.max_attempts, $12::integer), i.idempotency_key
FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::timestamptz[], $6::integer[], $7::text[])
     WITH ORDINALITY AS i(payload, kind, lane, priority, run_at, max_attempts, idempotency_key, ordinal)
ORDER BY i.ordinal
ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id, idempotency_key;

-- name: EnqueueUnkeyedJobs
-- EnqueueJobs for a batch in which no job has an idempotency key ($1–$6 and $8–$12 as there, no
-- $7): a plain insert, every row inserted, ids ascending with the input. ON CONFLICT makes every
-- row a speculative insertion checked against the key index, about a tenth of a 10k batch's
-- time, for nothing when there are no keys.
-- One row comes back, not one per job: the first id and the count, and the ids themselves
-- (ascending) only when they are not first, first + 1, … (another session drew ids from the
-- sequence in between). Sending and decoding 10k one-column rows took longer on the client
-- than building the array here.
WITH inserted AS (
    INSERT INTO jobs (kind, lane, payload, priority, run_at, max_attempts)
    SELECT coalesce(i.kind, $7::text), coalesce(i.lane, $8::text), i.payload::jsonb, coalesce(i.priority, $9::smallint),
           coalesce(i.run_at, $10::timestamptz, now()), coalesce(i.max_attempts, $11::integer)
    FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::timestamptz[], $6::integer[])
         WITH ORDINALITY AS i(payload, kind, lane, priority, run_at, max_attempts, ordinal)
    ORDER BY i.ordinal
    RETURNING id
)
SELECT min(id) AS first, count(*) AS inserted,
       CASE WHEN max(id) - min(id) + 1 <> count(*) THEN array_agg(id ORDER BY id) END AS ids
FROM inserted;

-- name: EnqueueJob
-- One job, the fast path of a single enqueue: $1 kind, $2 lane, $3 payload, $4 priority, $5 run
-- time (NULL = now), $6 max attempts, $7 idempotency key (NULL = none). Returns the id, or no
-- row when the key already names a job (JobIDsForKeys finds it).
INSERT INTO jobs (kind, lane, payload, priority, run_at, max_attempts, idempotency_key)
VALUES ($1::text, $2::text, $3::jsonb, $4::smallint, coalesce($5::timestamptz, now()), $6::integer, $7::text)
ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id;

-- name: JobIDsForKeys
-- Follow-up for the keys EnqueueJobs did not insert: the jobs that already hold them (a new
-- statement, so it also sees a key a concurrent enqueue committed while the insert waited).
SELECT idempotency_key, id FROM jobs WHERE idempotency_key = ANY($1::text[]);
