-- The media reconciler (MediaReconciler): no media stays `processing` without a job that
-- will finish it.

-- name: StrandedMedia
-- $1 now (NULL = the server's clock), $2 minimum age in seconds (by updated_at), $3 after this
-- media id (keyset), $4 batch size, $5 the processing jobs' key prefix (`media:`).
-- Processing media in id order, locked until commit (SKIP LOCKED: another daemon's reconciler
-- or a completion has them), each with its first processing job if that is still in the live
-- table: the job's state, the code of its last error, and the message. A media whose job was
-- archived already counts as having none.
SELECT m.id, m.kind, m.original_key, m.sha256,
       j.state::text AS job_state, j.errors -> -1 ->> 'code' AS job_code, j.last_error AS job_error
FROM media m
LEFT JOIN jobs j ON j.idempotency_key = $5::text || m.id
WHERE m.status = 'processing' AND m.id > $3
  AND m.updated_at < coalesce($1::timestamptz, now()) - make_interval(secs => $2::float8)
ORDER BY m.id
LIMIT $4::integer
FOR NO KEY UPDATE OF m SKIP LOCKED;

-- name: FailStrandedMedia
-- $1 media id, $2 error code, $3 message: a processing media whose job ended without a result.
UPDATE media
SET status = 'failed', manifest = NULL, error_code = $2, error_message = $3,
    processed_at = now(), updated_at = now()
WHERE id = $1 AND status = 'processing';
