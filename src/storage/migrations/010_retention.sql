-- Spiegel schema: retention. The raw responses (answers and comments) of a
-- closed round can be purged (`spiegel purge`), keeping the released results
-- computed at close; `purged_on` records the day. A purge sets `erased_on`
-- back to NULL in its transaction: the file is rewritten and the log emptied
-- as after a close, and retried the same way until that succeeds. `retain_months` is the
-- organisation's automatic retention: the server purges rounds closed more
-- than that many months ago, daily (0: off).
ALTER TABLE org ADD COLUMN retain_months INTEGER NOT NULL DEFAULT 0
    CHECK (retain_months >= 0 AND retain_months <= 1200);
ALTER TABLE rounds ADD COLUMN purged_on TEXT;
