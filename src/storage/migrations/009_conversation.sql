-- Spiegel schema, version 9: advisor-first release. A closed round's
-- results reach a team's manager only once an advisor released them
-- (`release = 'after_advisor'`), or at close (`'at_close'`). Every release
-- is recorded (which team, which round, by whom, which day) and can never
-- be undone: the triggers refuse to change or delete one.
-- A database made before this version gets 'after_advisor' as well, and
-- every round it had already closed counts as released ('before release
-- existed'): its managers saw those results already, and hiding them now
-- would protect nobody.
ALTER TABLE org ADD COLUMN release TEXT NOT NULL DEFAULT 'after_advisor'
    CHECK (release IN ('after_advisor', 'at_close'));
CREATE TABLE releases (
    team_id INTEGER NOT NULL,
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    released_by TEXT NOT NULL,
    released_on TEXT NOT NULL,
    PRIMARY KEY (team_id, round_id)
) WITHOUT ROWID;
INSERT INTO releases (team_id, round_id, released_by, released_on)
    SELECT res.team_id, res.round_id, '(before release existed)', r.closed_on
    FROM results res JOIN rounds r ON r.id = res.round_id
    WHERE r.closed_on IS NOT NULL AND res.team_id <> 0;
CREATE TRIGGER releases_never_change BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'a release cannot be undone'); END;
CREATE TRIGGER releases_never_deleted BEFORE DELETE ON releases
BEGIN SELECT RAISE(ABORT, 'a release cannot be undone'); END;
-- The manager's own reflection before seeing a released round: per item
-- what they expect the team answered, their self-check, two open answers,
-- or that they skipped it. Not anonymous: the manager's own, per team and
-- round, seen by that team's manager and by advisors.
CREATE TABLE expectations (
    team_id INTEGER NOT NULL REFERENCES teams(id),
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    skipped INTEGER NOT NULL CHECK (skipped IN (0, 1)),
    answers TEXT NOT NULL DEFAULT '{}',
    best TEXT NOT NULL DEFAULT '',
    learn TEXT NOT NULL DEFAULT '',
    saved_on TEXT NOT NULL,
    PRIMARY KEY (team_id, round_id)
) WITHOUT ROWID;
-- The conversation about a team-round, marked held by an advisor: from then
-- on the manager's reflection can no longer be changed.
CREATE TABLE conversations (
    team_id INTEGER NOT NULL REFERENCES teams(id),
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    held_by TEXT NOT NULL,
    held_on TEXT NOT NULL,
    PRIMARY KEY (team_id, round_id)
) WITHOUT ROWID;
