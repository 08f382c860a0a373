-- Enqueue. Parameters are parallel arrays, one element per job, so a batch of any size is one
-- statement and one round trip. Arrays carry no NULLs: an empty run_at means "now", an empty
-- idempotency key means "none". The jobs_notify_inserted trigger sends one NOTIFY per lane.

-- name: EnqueueJobs
-- $1 kinds, $2 lanes, $3 payloads, $4 priorities, $5 run_at (ISO 8601 or ''), $6 max attempts,
-- $7 idempotency keys (or ''). One row per input in input order: its ordinal, the job id (new or
-- existing) and whether this call inserted it. Ids are drawn before the insert so every input
-- row can be matched to its job; a key repeated inside the batch maps to the one job inserted.
WITH input AS MATERIALIZED (
    SELECT nextval('jobs_id_seq') AS id, i.kind, i.lane, i.payload, i.priority,
           coalesce(nullif(i.run_at, '')::timestamptz, now()) AS run_at,
           i.max_attempts, nullif(i.idempotency_key, '') AS idempotency_key, i.ordinal
    FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::smallint[], $5::text[], $6::integer[], $7::text[])
         WITH ORDINALITY AS i(kind, lane, payload, priority, run_at, max_attempts, idempotency_key, ordinal)
), inserted AS (
    INSERT INTO jobs (id, kind, lane, payload, priority, run_at, max_attempts, idempotency_key)
    SELECT id, kind, lane, payload, priority, run_at, max_attempts, idempotency_key
    FROM input
    ORDER BY ordinal
    ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, idempotency_key
)
SELECT input.ordinal::bigint AS ordinal,
       coalesce(
           mine.id,
           sibling.id,
           -- Evaluated only for inputs that were not inserted: one unique-index probe each,
           -- never a scan of the table.
           (SELECT existing.id FROM jobs AS existing WHERE existing.idempotency_key = input.idempotency_key)
       ) AS id,
       mine.id IS NOT NULL AS inserted
FROM input
LEFT JOIN inserted AS mine ON mine.id = input.id
LEFT JOIN inserted AS sibling
       ON mine.id IS NULL AND sibling.idempotency_key = input.idempotency_key
ORDER BY input.ordinal;

-- name: JobIDsForKeys
-- Follow-up for keys EnqueueJobs could not resolve: a concurrent enqueue committed the key after
-- the statement's snapshot was taken.
SELECT idempotency_key, id FROM jobs WHERE idempotency_key = ANY($1::text[]);
