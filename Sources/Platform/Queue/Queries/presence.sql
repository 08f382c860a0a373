-- Which daemons run queue workers (QueueRunner+Presence), for the operator page.

-- name: RecordPresence
-- $1 owner, $2 lanes ("photo×4,video×1"), $3 detail (NULL: none): the daemon is alive now. Rows of daemons not seen for
-- a day (killed without their stop) are deleted on the way.
WITH gone AS (
    DELETE FROM queue_daemons WHERE seen_at < now() - interval '1 day' AND owner <> $1::text
)
INSERT INTO queue_daemons (owner, lanes, detail) VALUES ($1::text, $2::text, $3::text)
ON CONFLICT (owner) DO UPDATE SET lanes = excluded.lanes, detail = excluded.detail, seen_at = now();

-- name: ForgetPresence
-- $1 owner: the daemon's runner stopped.
DELETE FROM queue_daemons WHERE owner = $1::text;
