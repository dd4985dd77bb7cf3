"""Words for the sentences the product writes: counts with their nouns, articles, shortened
text and full stops.

Pure (no Django): the scoring, coaching, review and evidence rules all build their prose with
it, so every sentence says "1 close" and "2 closes", "an individual objective", shortens a
long question at a word boundary and never ends with two full stops.
"""

from __future__ import annotations

import re

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Nouns whose plural does not follow the rules below.
_IRREGULAR = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "criterion": "criteria",
    "analysis": "analyses",
    "crisis": "crises",
    "index": "indices",
    "matrix": "matrices",
}
_SINGULAR = {plural: singular for singular, plural in _IRREGULAR.items()}
# Words that read the same for one and many (or are not counted at all).
_UNCHANGED = frozenset(
    {
        "data",
        "feedback",
        "headcount",
        "kudos",
        "news",
        "revenue",
        "series",
        "species",
        "staff",
        "traffic",
        "uptime",
    }
)
# Plurals in -ies/-ches/-oes whose singular keeps the "e".
_KEEPS_E = frozenset(
    {
        "movies",
        "cookies",
        "calories",
        "rookies",
        "zombies",
        "pies",
        "ties",
        "lies",
        "caches",
        "niches",
        "headaches",
        "shoes",
        "toes",
    }
)
_WORD = re.compile(r"^([A-Za-z][a-z-]*)$")


def _split_last(phrase: str) -> tuple[str, str, str]:
    """(text before the last word, the last word, what follows it), the last word being the
    last run of letters outside parentheses: "new logos (ACV > $150K)" -> ("new ", "logos",
    " (ACV > $150K)")."""
    match = re.match(r"^(.*?)([A-Za-z][A-Za-z-]*)(\s*(?:\([^)]*\))?\s*)$", phrase)
    if not match:
        return phrase, "", ""
    return match.group(1), match.group(2), match.group(3)


def _recase(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def singular(noun: str) -> str:
    """The singular of a plural noun or unit ("opportunities" -> "opportunity", "closes" ->
    "close", "new logos" -> "new logo", "people" -> "person"); anything that is not a plain
    lower-case word (symbols, abbreviations in capitals, "%", "ms") is left as it is."""
    head, word, tail = _split_last(noun)
    if not word or not _WORD.match(word) or len(word) < 3 or (word.isupper() and len(word) > 1):
        return noun
    low = word.lower()
    if low in _UNCHANGED:
        one = low
    elif low in _SINGULAR:
        one = _SINGULAR[low]
    elif low in _KEEPS_E:
        one = low[:-1]
    elif low.endswith("ies") and len(low) > 4:
        one = low[:-3] + "y"
    elif low.endswith(("sses", "xes", "ches", "shes")):
        one = low[:-2]
    elif low.endswith(("ss", "us", "is")) or not low.endswith("s"):
        one = low
    else:
        one = low[:-1]
    return f"{head}{_recase(word, one)}{tail}"


def plural(noun: str) -> str:
    """The plural of a singular noun ("key result" -> "key results", "opportunity" ->
    "opportunities", "match" -> "matches", "person" -> "people")."""
    head, word, tail = _split_last(noun)
    if not word:
        return noun
    low = word.lower()
    if low in _UNCHANGED:
        many = low
    elif low in _IRREGULAR:
        many = _IRREGULAR[low]
    elif low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        many = low[:-1] + "ies"
    elif low.endswith(("s", "x", "z", "ch", "sh")):
        many = low + "es"
    else:
        many = low + "s"
    return f"{head}{_recase(word, many)}{tail}"


def is_one(value: float | int) -> bool:
    return abs(float(value)) == 1.0


def count(n: float | int, noun: str, plural_form: str | None = None) -> str:
    """ "1 key result", "3 key results", "0 people": the number and its noun, agreeing."""
    if isinstance(n, float):
        text = str(int(n)) if n.is_integer() else f"{n:.2f}".rstrip("0").rstrip(".")
    else:
        text = str(n)
    return f"{text} {noun_for(n, noun, plural_form)}"


def noun_for(n: float | int, noun: str, plural_form: str | None = None) -> str:
    """The noun (given in the singular) in the form that agrees with ``n``."""
    if is_one(n):
        return noun
    return plural_form or plural(noun)


def unit_for(value: float | int | None, unit: str) -> str:
    """A unit as written (units are usually given in the plural: "logos", "days") in the
    singular when the value is one: 1 -> "logo", 22 -> "logos"."""
    if value is not None and is_one(value):
        return singular(unit)
    return unit


# ---------------------------------------------------------------------------------------
# Articles

_AN_LETTERS = frozenset("AEFHILMNORSX")  # letters whose names start with a vowel sound
_A_PREFIXES = ("uni", "use", "usu", "uti", "ura", "ure", "uro", "eu", "ewe", "one", "once")
_AN_EXCEPTIONS = ("unin", "unim", "unid")  # "an uninformed", "an unimportant"
_AN_SILENT_H = ("hour", "honest", "honour", "honor", "heir")


def article(phrase: str) -> str:
    """ "a" or "an" for the phrase that follows, by its sound: "an individual", "a team",
    "a unit", "an hour", "an FY 2026", "an 8", "an 11th", "a one-off"."""
    word = phrase.strip().lstrip("“\"'‘(").split(" ", 1)[0] if phrase.strip() else ""
    if not word:
        return "a"
    if word[0].isdigit():
        digits = re.match(r"[\d,]*", word).group(0).replace(",", "")  # type: ignore[union-attr]
        lead = digits[: (len(digits) % 3) or 3]
        return "an" if digits.startswith("8") or lead in ("11", "18") else "a"
    letters = re.sub(r"[^A-Za-z]", "", word)
    if not letters:
        return "a"
    if len(letters) == 1 or letters.isupper():
        return "an" if letters[0].upper() in _AN_LETTERS else "a"
    low = letters.lower()
    if low.startswith(_AN_SILENT_H):
        return "an"
    if low.startswith(_A_PREFIXES) and not low.startswith(_AN_EXCEPTIONS):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


def with_article(phrase: str, *, capital: bool = False) -> str:
    """ "an individual objective"; ``capital`` for the start of a sentence ("An ...")."""
    word = article(phrase)
    return f"{word.capitalize() if capital else word} {phrase}"


# ---------------------------------------------------------------------------------------
# Shortening and sentences

ELLIPSIS = "\u2026"
_ENDS = (".", "!", "?", ELLIPSIS)
_CLOSERS = "”’\"')]"


def shorten(text: str, limit: int) -> str:
    """The text on one line, cut to at most ``limit`` characters at a word boundary with an
    ellipsis ("What did this person do well that helped…"); never in the middle of a word,
    unless a single word is longer than the limit."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    room = max(1, limit - 1)
    cut = text[:room]
    if text[room] != " " and " " in cut:
        cut = cut[: cut.rfind(" ")]
    cut = cut.rstrip(" ,;:-\u2013\u2014")
    return cut + ELLIPSIS


def quoted(title: str) -> str:
    """A title in curly quotes inside a sentence, without a full stop of its own (the
    sentence brings one): "Ship v2." -> "\u201cShip v2\u201d"."""
    text = title.strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return f"\u201c{text}\u201d"


def ends_a_sentence(text: str) -> bool:
    """Whether the text already ends with a full stop (or ! ? …), inside quotes or not."""
    return text.rstrip().rstrip(_CLOSERS).endswith(_ENDS)


def sentence(text: str) -> str:
    """The text with exactly one full stop at its end: "Done" -> "Done.", "Done." ->
    "Done.", "He said “go.”" -> unchanged."""
    text = text.strip()
    if not text or ends_a_sentence(text):
        return text
    return text + "."
