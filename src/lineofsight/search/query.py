"""What a person typed into the search box, made safe for the databases' full-text search.

Pure: no Django, no database. The words are runs of letters and digits (any script);
everything else (quotes, ``*``, ``:``, ``&``, ``NEAR``-style operators written as words are
plain words here) is a separator, so no input can change the shape of the query sent to
SQLite FTS5 or PostgreSQL: each word is matched as a prefix, all words must match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_LENGTH = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 40

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: how the index compares words ("Öl" is "ol")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class Query:
    """The text as typed (cut to ``MAX_LENGTH``) and the words searched for."""

    text: str
    terms: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def sqlite_match(self) -> str:
        """An FTS5 expression: every word as a quoted prefix, all required."""
        return " AND ".join(f'"{t}"*' for t in self.terms)

    def postgres_tsquery(self, titles_only: bool = False) -> str:
        """A ``to_tsquery('simple', ...)`` expression: every word as a prefix, all required
        (in the title, weighted A, with ``titles_only``)."""
        weight = "A" if titles_only else ""
        return " & ".join(f"{t}:*{weight}" for t in self.terms)

    def title_quality(self, title: str) -> int:
        """0 when every word is a whole word of the title, 1 when each starts one, else 2
        (found in the description, the job title and the like)."""
        title_words = words(title)
        if all(t in title_words for t in self.terms):
            return 0
        if all(any(w.startswith(t) for w in title_words) for t in self.terms):
            return 1
        return 2


def parse(text: str | None) -> Query:
    text = unicodedata.normalize("NFC", (text or "").strip())[:MAX_LENGTH]
    seen: dict[str, None] = {}
    for word in words(text):
        seen.setdefault(word[:MAX_TERM_LENGTH], None)
        if len(seen) == MAX_TERMS:
            break
    return Query(text=text, terms=tuple(seen))
