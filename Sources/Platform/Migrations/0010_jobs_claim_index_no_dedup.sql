-- jobs_claim_idx never holds two equal keys: its last column is the primary key. B-tree
-- deduplication could therefore never merge anything, yet a full leaf page was still scanned for
-- duplicates before every split. Batch enqueue into any lane but the last in sort order inserts
-- in the middle of the index, where pages split in halves, so a 10k batch paid for that scan
-- about 130 times. Switching it off changes no entry and no plan; it applies to pages split
-- from now on.
ALTER INDEX jobs_claim_idx SET (deduplicate_items = off);
