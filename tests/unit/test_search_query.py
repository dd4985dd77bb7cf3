"""What the search box's text becomes: words safe for FTS5 and tsquery, whatever is typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.search.query import MAX_LENGTH, MAX_TERMS, parse


def test_words_become_lower_case_prefixes_all_required() -> None:
    q = parse("  Onbo  Flow ")
    assert q.terms == ("onbo", "flow")
    assert q.sqlite_match() == '"onbo"* AND "flow"*'
    assert q.postgres_tsquery() == "onbo:* & flow:*"


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        "'",
        '"onbo',
        "onbo*",
        "a:b",
        "NOT",
        "(x OR y)",
        "a & b | !c",
        "NEAR(a b)",
        "col:x",
        "^x",
    ],
)
def test_operators_and_quotes_are_plain_separators(typed: str) -> None:
    q = parse(typed)
    for term in q.terms:
        assert term.isalnum(), term
    assert '"' not in "".join(q.terms)


def test_fts_keywords_are_plain_words() -> None:
    assert parse("NOT AND OR").terms == ("not", "and", "or")
    assert parse("NOT AND OR").sqlite_match() == '"not"* AND "and"* AND "or"*'


def test_accents_and_other_scripts_are_words() -> None:
    assert parse("Öl Café").terms == ("ol", "cafe")
    assert parse("Ärzte 東京 Москва").terms == ("arzte", "東京", "москва")


def test_empty_and_punctuation_only_are_empty() -> None:
    for typed in ("", "   ", None, "***", "''", "_-_"):
        assert parse(typed).is_empty


def test_long_text_is_cut_and_words_are_capped() -> None:
    q = parse("x" * 500)
    assert len(q.text) == MAX_LENGTH
    assert len(q.terms) == 1 and len(q.terms[0]) <= 40
    many = parse(" ".join(f"w{i}" for i in range(50)))
    assert len(many.terms) == MAX_TERMS


def test_repeated_words_count_once() -> None:
    assert parse("sales Sales SALES team").terms == ("sales", "team")


def test_title_quality_exact_before_prefix_before_elsewhere() -> None:
    q = parse("onboarding")
    assert q.title_quality("Make onboarding self-serve") == 0
    assert parse("onbo").title_quality("Make onboarding self-serve") == 1
    assert q.title_quality("Ship the new flow") == 2


@given(st.text(max_size=300))
def test_any_text_gives_safe_terms(typed: str) -> None:
    q = parse(typed)
    assert len(q.text) <= MAX_LENGTH
    assert len(q.terms) <= MAX_TERMS
    for term in q.terms:
        assert term and all(ch.isalnum() for ch in term), term
