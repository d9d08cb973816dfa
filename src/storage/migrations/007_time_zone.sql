-- Spiegel schema, version 7: the organisation's time zone (an IANA name).
-- "Today" and the end of a round's closing day are reckoned in it. A
-- database made before this version ran on UTC dates and keeps them.
ALTER TABLE org ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
