-- Read replicas (ReadReplica): the WAL positions its lag is judged from. LSNs travel as text
-- ('16/B374D848', see WALPosition) so no numeric type is assumed on either server.

-- name: PrimaryWALPosition
-- On the primary: how far WAL has been inserted. Every transaction committed before this
-- statement began ends at or below it. Not pg_current_wal_lsn() (the write position): with
-- synchronous_commit off a commit is visible before its WAL is written, so a replica that had
-- replayed the written position could still lack it.
SELECT pg_current_wal_insert_lsn()::text AS position;

-- name: ReplicaWALPositions
-- On the replica: whether it is a standby at all, the WAL it has received from the primary
-- (NULL when no WAL receiver runs: it is cut off, or was never streaming) and the WAL it has
-- replayed, which is what its queries see.
SELECT pg_is_in_recovery() AS standby,
    pg_last_wal_receive_lsn()::text AS received,
    pg_last_wal_replay_lsn()::text AS replayed;
