"""Insights: pace, forecasts and dashboards built on the stored OKR figures.

``pace`` and ``forecast`` are pure (no Django, no database, no clock), like
``goals.scoring``; the selectors and views around them read through the access policy.
"""
