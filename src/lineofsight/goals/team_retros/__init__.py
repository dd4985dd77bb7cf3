"""Team retrospectives: one per team per cycle, written together by the team, shown with the
grades of the team's objectives of that cycle, and summarised when the next cycle is planned.

Reads are in ``selectors`` (``last_team_retrospective`` and the summary fragment
``goals/team_retros/summary.html`` are what a planning page includes), writes in
``goals.actions.team_retrospectives``, the page in ``views``.
"""
