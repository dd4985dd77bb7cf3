"""Insights: the leadership, team and person dashboards, their charts, and the weekly figures
``lineofsight snapshot`` keeps for them, built on the stored OKR figures and the tracking
rules of ``goals`` (``goals.pace``, ``goals.forecast``, ``goals.tracking``).
"""
