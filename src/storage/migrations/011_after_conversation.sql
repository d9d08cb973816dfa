-- Spiegel schema: after the conversation.
-- One focus per team and round, recorded by the advisor or the team's
-- manager after their conversation: one dimension of the round's survey to
-- work on, one small behavioural experiment (at most 280 characters) and a
-- day to check how it went. Replaced when recorded again.
CREATE TABLE focus (
    team_id INTEGER NOT NULL REFERENCES teams(id),
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    dimension TEXT NOT NULL CHECK (length(dimension) BETWEEN 1 AND 100),
    experiment TEXT NOT NULL CHECK (length(experiment) BETWEEN 1 AND 280),
    check_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    PRIMARY KEY (team_id, round_id)
) WITHOUT ROWID;
-- The organisation's offers of where a manager can learn: a short training,
-- an online module, intervisie with other managers, a talk with the advisor.
-- `dimension` (optional) matches an offer to a focus dimension.
CREATE TABLE training (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    kind TEXT NOT NULL CHECK (kind IN ('training', 'module', 'intervisie', 'talk')),
    url TEXT,
    dimension TEXT
);
-- A manager's agreement to share their team's picture with peers on an
-- intervisie sheet: off by default; the day it was last switched is kept.
-- Withdrawing sets `shared` to 0 and removes the name from every later sheet.
CREATE TABLE sharing (
    team_id INTEGER PRIMARY KEY REFERENCES teams(id),
    shared INTEGER NOT NULL CHECK (shared IN (0, 1)),
    changed_on TEXT NOT NULL
);
