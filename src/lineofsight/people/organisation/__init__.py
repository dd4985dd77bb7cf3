"""HR's pages for running the organisation: people (search, filters, the edit form with a
manager picker that refuses a loop) and teams (the tree, moving a team, its lead, members
and cadence). Every write goes through ``people.actions``; everyone but HR is refused."""
