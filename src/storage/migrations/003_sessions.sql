-- Spiegel schema, version 3: browser sessions, swapped for a key once.
-- Only the hash of the session token is stored.
CREATE TABLE sessions (
    hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
    key_id INTEGER NOT NULL REFERENCES keys(id),
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
