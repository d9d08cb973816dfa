-- Spiegel schema, version 6: whether a closed round's order of answering is
-- erased (VACUUM rewrote the file and the write-ahead log was emptied). Until
-- then `spiegel round close ID` and the server try again. Rounds closed
-- under an older version are erased once more to be sure.
ALTER TABLE rounds ADD COLUMN erased_on TEXT;
