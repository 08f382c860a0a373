-- Stream tickets (NotificationService): a bearer token buys a short-lived, single-use ticket
-- that a browser's EventSource puts in the stream's URL instead of the token.

-- name: InsertStreamTicket
-- $1 SHA-256 (hex) of the ticket, $2 user id, $3 lifetime in seconds.
INSERT INTO stream_tickets (ticket_hash, user_id, expires_at)
VALUES ($1, $2, now() + make_interval(secs => $3::float8))
RETURNING expires_at;

-- name: RedeemStreamTicket
-- $1 SHA-256 (hex) of the ticket, $2 now (NULL: the server's clock). Deletes it (single use)
-- and returns its user and whether it was still live; no row: unknown or used.
DELETE FROM stream_tickets WHERE ticket_hash = $1
RETURNING user_id, expires_at > coalesce($2::timestamptz, now()) AS live;

-- name: DeleteExpiredStreamTickets
-- $1 now (NULL: the server's clock), $2 rows at most; returns how many.
WITH gone AS (
    DELETE FROM stream_tickets WHERE ticket_hash = ANY(ARRAY(
        SELECT ticket_hash FROM stream_tickets WHERE expires_at <= coalesce($1::timestamptz, now())
        LIMIT $2::integer))
    RETURNING 1
)
SELECT count(*)::int8 AS deleted FROM gone;
