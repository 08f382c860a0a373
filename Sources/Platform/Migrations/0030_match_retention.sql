-- Retention of hash-list match records about deleted accounts (SessionSweeper), as 0029 does
-- for reports: the account deletion job stamps the matches naming the account
-- (account_gone_at) when it deletes the users row, and the maintenance deletes them once the
-- retention period has passed since. Matches of accounts that still exist are never stamped.
ALTER TABLE blocklist_matches ADD COLUMN account_gone_at timestamptz;
CREATE INDEX blocklist_matches_account_gone ON blocklist_matches (account_gone_at) WHERE account_gone_at IS NOT NULL;
