-- Spiegel schema, version 1. Rules 1-3 of docs/anonymity.md live here:
-- no identities, invites only as hashes, responses without any link to an
-- invite, a time or an insertion order.

CREATE TABLE org (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    k INTEGER NOT NULL CHECK (k >= 3)
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES teams(id),
    expected_size INTEGER CHECK (expected_size IS NULL OR expected_size > 0)
);

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    survey_id TEXT NOT NULL,
    survey_hash TEXT NOT NULL,
    survey_source TEXT NOT NULL,
    title TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    closes_on TEXT,
    closed_on TEXT,
    k INTEGER NOT NULL CHECK (k >= 3)
);

CREATE TABLE round_teams (
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    PRIMARY KEY (round_id, team_id)
) WITHOUT ROWID;

-- An invite is the blake3 hash of its token; the token itself is never stored.
CREATE TABLE invites (
    hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX invites_round ON invites(round_id);

-- A response: a random id, where it belongs, the answers. Nothing else.
CREATE TABLE responses (
    id BLOB PRIMARY KEY CHECK (length(id) = 16),
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    answers BLOB NOT NULL,
    comment TEXT
) WITHOUT ROWID;
CREATE INDEX responses_round_team ON responses(round_id, team_id);
