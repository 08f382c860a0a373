-- The feed's read-time merge looks up, among everyone a reader follows, the authors at or
-- above the celebrity threshold (a parameter, so a partial index cannot serve it). Without
-- this index every feed read scanned the whole users table; with it, finding that there are
-- no such authors (the common case) is one index probe.
CREATE INDEX users_follower_count ON users (follower_count);
