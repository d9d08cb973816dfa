-- Spiegel schema, version 8: the audit log of set-up actions done in the
-- browser or on the command line (what, by which key's label, which day:
-- never an answer, a link or a key), and the last day a key was used.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL
);
ALTER TABLE keys ADD COLUMN last_used_on TEXT;
