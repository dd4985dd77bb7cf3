"""Finding ``@username`` mentions in a comment's text (pure: no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.+-]*[A-Za-z0-9_]|[A-Za-z0-9_])")
MAX_MENTIONS = 20


def usernames(text: str) -> list[str]:
    """The usernames mentioned, in order, each once (case kept as written)."""
    seen: dict[str, str] = {}
    for match in MENTION.finditer(text):
        name = match.group(1)
        seen.setdefault(name.lower(), name)
    return list(seen.values())


@dataclass(frozen=True)
class Segment:
    text: str
    username: str = ""  # set for a mention


def segments(text: str) -> list[Segment]:
    """The text cut into plain runs and mentions, for rendering links."""
    out: list[Segment] = []
    at = 0
    for match in MENTION.finditer(text):
        if match.start() > at:
            out.append(Segment(text[at : match.start()]))
        out.append(Segment(match.group(0), match.group(1).lower()))
        at = match.end()
    if at < len(text):
        out.append(Segment(text[at:]))
    return out
