"""The words generated prose is built with: counts, units, articles, shortening, full stops."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.core import words


@pytest.mark.parametrize(
    ("many", "one"),
    [
        ("opportunities", "opportunity"),
        ("closes", "close"),
        ("logos", "logo"),
        ("new logos", "new logo"),
        ("logos (ACV > $150K)", "logo (ACV > $150K)"),
        ("customers", "customer"),
        ("hires", "hire"),
        ("days", "day"),
        ("processes", "process"),
        ("launches", "launch"),
        ("boxes", "box"),
        ("people", "person"),
        ("Opportunities", "Opportunity"),
        ("movies", "movie"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("revenue", "revenue"),
        ("%", "%"),
        ("ms", "ms"),
        ("USD", "USD"),
        ("NPS points", "NPS point"),
        ("", ""),
    ],
)
def test_singular(many, one):
    assert words.singular(many) == one


@pytest.mark.parametrize(
    ("one", "many"),
    [
        ("key result", "key results"),
        ("check-in", "check-ins"),
        ("opportunity", "opportunities"),
        ("day", "days"),
        ("person", "people"),
        ("match", "matches"),
        ("class", "classes"),
        ("kudos", "kudos"),
    ],
)
def test_plural(one, many):
    assert words.plural(one) == many


def test_counts_agree_with_their_number():
    assert words.count(1, "key result") == "1 key result"
    assert words.count(0, "key result") == "0 key results"
    assert words.count(3, "person") == "3 people"
    assert words.count(2, "child", "kids") == "2 kids"
    assert words.count(1.0, "day") == "1 day"
    assert words.count(2.5, "day") == "2.5 days"


def test_units_are_singular_for_one():
    assert words.unit_for(1, "closes") == "close"
    assert words.unit_for(1.0, "opportunities") == "opportunity"
    assert words.unit_for(-1, "days") == "day"
    assert words.unit_for(2, "closes") == "closes"
    assert words.unit_for(0, "closes") == "closes"
    assert words.unit_for(None, "closes") == "closes"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("individual objective", "an"),
        ("team objective", "a"),
        ("company objective", "a"),
        ("eighth objective", "an"),
        ("fourth objective", "a"),
        ("8th objective", "an"),
        ("11th objective", "an"),
        ("18,000 logos", "an"),
        ("110 logos", "a"),
        ("FY 2026 objective", "an"),
        ("Q3 2026 objective", "a"),
        ("NPS target", "an"),
        ("URL", "a"),
        ("unit", "a"),
        ("uninformed guess", "an"),
        ("upward review", "an"),
        ("hour", "an"),
        ("one-off", "a"),
        ("European team", "a"),
        ("“Ambitious” goal", "an"),
        ("", "a"),
    ],
)
def test_article(phrase, expected):
    assert words.article(phrase) == expected


def test_with_article():
    assert words.with_article("individual objective") == "an individual objective"
    assert words.with_article("eighth objective", capital=True) == "An eighth objective"


def test_shorten_cuts_at_a_word_boundary():
    text = (
        "How did the work help the team and the company? Help given to colleagues, "
        "bottlenecks removed, what a scorecard would miss."
    )
    short = words.shorten(text, 60)
    assert short == "How did the work help the team and the company? Help given…"
    assert len(short) <= 60
    assert words.shorten("Short enough", 60) == "Short enough"
    assert words.shorten("A  question\nover   lines", 60) == "A question over lines"
    assert words.shorten("one, two, three", 10) == "one, two…"
    assert words.shorten("aaaa a, bbbbbb", 9) == "aaaa a…"


@given(st.text(alphabet=st.sampled_from("abc de,"), max_size=80), st.integers(5, 60))
def test_shorten_never_cuts_inside_a_word(text, limit):
    short = words.shorten(text, limit)
    assert len(short) <= limit
    if short.endswith(words.ELLIPSIS):
        kept = short[:-1].split()
        whole = " ".join(text.split()).split()
        # Every word kept is a whole word of the text (a single over-long word aside); the
        # last may lose the comma or dash that stood before the cut ("one, two…").
        trail = " ,;:-\u2013\u2014"
        if len(kept) > 1:
            assert kept[:-1] == whole[: len(kept) - 1]
            assert kept[-1] == whole[len(kept) - 1].rstrip(trail)


def test_titles_in_a_sentence_leave_the_full_stop_to_it():
    assert words.quoted(" Ship the EU region. ") == "\u201cShip the EU region\u201d"
    assert words.quoted("Why churn?") == "\u201cWhy churn?\u201d"
    assert words.quoted("Wait...") == "\u201cWait...\u201d"


def test_sentences_end_with_one_full_stop():
    assert words.sentence("Done") == "Done."
    assert words.sentence("Done.") == "Done."
    assert words.sentence("Ready?") == "Ready?"
    assert words.sentence("He said “go.”") == "He said “go.”"
    assert words.sentence("  ") == ""
    assert words.ends_a_sentence("(see above.)")


def test_an_error_summary_reads_as_sentences_without_doubled_stops():
    from lineofsight.core.errors import InvalidInput

    refused = InvalidInput({"title": "Enter a title.", "weight": ["Enter a weight more than 0"]})
    assert refused.summary() == "title: Enter a title. weight: Enter a weight more than 0."
    assert ".;" not in refused.summary() and ".." not in refused.summary()
