-- Spiegel schema, version 2: results computed once at close, and keys.

-- Whether a team's manager may read its comments (off: advisors only).
ALTER TABLE org ADD COLUMN comments_to_managers INTEGER NOT NULL DEFAULT 0
    CHECK (comments_to_managers IN (0, 1));

-- What a closed round shows per group (team_id 0 = the whole organisation).
-- A suppressed row holds no figure: respondents, score and comments are empty.
CREATE TABLE results (
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    team_id INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('released', 'suppressed')),
    respondents INTEGER,
    score REAL,
    body TEXT NOT NULL,
    comments TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (team_id, round_id),
    CHECK ((status = 'released') = (respondents IS NOT NULL AND score IS NOT NULL)),
    CHECK (status = 'released' OR comments = '[]')
) WITHOUT ROWID;
CREATE INDEX results_round ON results(round_id, team_id, status, respondents, score);

-- Secret keys for advisors and managers, stored only as blake3 hashes.
CREATE TABLE keys (
    id INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    role TEXT NOT NULL CHECK (role IN ('advisor', 'manager')),
    team_id INTEGER REFERENCES teams(id),
    label TEXT NOT NULL DEFAULT '',
    created_on TEXT NOT NULL,
    revoked_on TEXT,
    CHECK ((role = 'manager') = (team_id IS NOT NULL))
);
