-- Spiegel schema, version 5: archived teams. A team that took part in a
-- round is never deleted (its results stay); archived, it gets no new rounds
-- or links.
ALTER TABLE teams ADD COLUMN archived_on TEXT;
