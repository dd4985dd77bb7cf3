"""HR's organisation hub (``/organisation/``) and cycles page (``/organisation/cycles/``):
the overview linking people, teams, cycles and settings, and creating, editing, opening and
closing cycles. The people and teams pages are ``people.organisation``."""
