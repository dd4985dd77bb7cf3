"""Closing a cycle in the browser: the cycle pages HR closes cycles from, the owner's close-out
page (grades, adjusted grades, retrospectives, carry-over) and calibrated confidence.

``selectors`` reads through the access policy (a fixed number of queries per page),
``views`` turns requests into the actions of ``goals.actions.closing``; every number comes
from ``goals.grading``.
"""
