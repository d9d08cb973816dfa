-- Spiegel schema, version 12: each audit row keeps its action as data (JSON,
-- see `domain::audit::Action`) beside its English line, so that the log reads
-- in the page's language. Rows from before have no detail and show their line.
ALTER TABLE audit ADD COLUMN detail TEXT;
