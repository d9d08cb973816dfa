-- Spiegel schema, version 4: team ids never take a reserved word (the
-- organisation's id and words of the routes; the list is RESERVED_IDS in
-- src/storage/teams.rs) and are unique ignoring case. A team that took one
-- under an older version gets a new id that names its number.
UPDATE teams SET slug = 'team-' || id || '-' || slug
    WHERE lower(slug) IN ('organisation', 'organization', 'organisatie', 'overview',
                          'overzicht', 'teams', 'rounds', 'trend', 'api');
CREATE UNIQUE INDEX teams_slug_nocase ON teams(slug COLLATE NOCASE);
