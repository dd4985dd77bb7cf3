"""Lexical similarity of two short statements (objective and key-result wording).

Pure and dependency-free. Both texts are normalised the same way -- case folded, split on
anything that is not a letter or digit, common abbreviations spelt out (ARR, NRR, NPS...),
stop words and OKR filler ("help", "support", "our", "team"...) dropped, words carrying a
figure dropped ("40%", "$12M", "Q3"), verbs of direction made one ("grow", "increase" and
"drive" all mean up), light suffix stripping ("growing" -> "grow") -- and
then compared twice:

* **token set**: the Jaccard index of the two sets of words (shared / all);
* **character n-grams**: the Dice coefficient of the character trigrams of the normalised
  text (forgiving about inflections and typos the word comparison misses).

``text_similarity`` is their mean: 1.0 for statements that say the same thing in the same
words, near 0 for unrelated ones. It is symmetric, and 1.0 on identical text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from .common import word_set

Similarity = Callable[[str, str], float]

STOP_WORDS = word_set(
    """
    a an the and or but nor of to in on at by for from with within without into onto over
    under up down out off as per via than then so that this these those it its is are be
    been being was were will would shall should can could may might must do does did has
    have had having we our ours us you your yours they their them i my me he she his her
    all any each every some more most less least very much many such own same just also
    only new next year quarter month week day days weeks months quarters years
    end start q h fy by while through across toward towards around about
    which who whom whose because become becomes becoming able
    pound pounds dollar dollars euro euros cent percent
    """
)

# Figures in words are figures too: "number one" restates "#1".
NUMBER_WORDS = word_set(
    """
    number one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred thousand million billion first second third half dozen
    """
)

# Words that frame a statement without changing what it is about: a child that only adds
# them to its parent's words restates the parent.
FILLER = word_set(
    """
    help helping support supporting contribute contributing contribution enable enabling
    ensure make sure goal goals objective objectives okr okrs key result results company
    companys organisation organization team teams department our achieve achieving deliver
    delivering continue continuing target targets overall
    """
)

ABBREVIATIONS = {
    "arr": "annual recurring revenue",
    "mrr": "monthly recurring revenue",
    "nrr": "net revenue retention",
    "grr": "gross revenue retention",
    "nps": "net promoter score",
    "csat": "customer satisfaction",
    "cac": "customer acquisition cost",
    "ltv": "lifetime value",
    "acv": "annual contract value",
    "sla": "service level agreement",
    "mttr": "mean time to recovery",
    "kpi": "indicator",
    "opps": "opportunities",
    "opp": "opportunity",
}

# Verbs of direction (and their nouns) mean the same in a goal: "grow ARR" restates
# "increase ARR", "public sector expansion" restates "expand into the public sector".
_UP = word_set(
    """
    increase increasing grow growing raise boost lift improve improving drive driving
    accelerate expand expanding maximise maximize double growth expansion improvement
    """
)
_DOWN = word_set(
    """
    reduce reducing decrease decreasing cut cutting lower lowering shrink minimise minimize
    halve eliminate reduction
    """
)
DIRECTIONS = {**dict.fromkeys(_UP, "up"), **dict.fromkeys(_DOWN, "down")}

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("ing", "ies", "ied", "es", "ed", "s", "e", "y")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip one common English suffix so "grow", "grows" and "growing" meet."""
    if word.endswith("ss"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, abbreviations spelt out, figures kept."""
    out: list[str] = []
    for raw in _WORD.findall(text.casefold()):
        expansion = ABBREVIATIONS.get(raw)
        out.extend(expansion.split() if expansion else (raw,))
    return out


def normalise(text: str, extra_stop_words: Iterable[str] = ()) -> list[str]:
    """The words that carry the meaning of ``text``, in order, stemmed.

    ``extra_stop_words`` are dropped too (for instance the owning team's own name, so
    "Marketing: grow ARR" meets "Grow ARR").
    """
    return list(_normalised(text, _stop_key(extra_stop_words)))


def _stop_key(extra_stop_words: Iterable[str]) -> frozenset[str]:
    return _stop_set(tuple(extra_stop_words))


@lru_cache(maxsize=4096)
def _stop_set(extra_stop_words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(stem(w.casefold()) for w in extra_stop_words)


@lru_cache(maxsize=65536)
def _normalised(text: str, extra: frozenset[str]) -> tuple[str, ...]:
    out = []
    for word in words(text):
        if word in NUMBER_WORDS or word in STOP_WORDS or word in FILLER:
            continue
        if any(ch.isdigit() for ch in word):
            continue
        stemmed = stem(word)
        if stemmed in extra:
            continue
        out.append(DIRECTIONS.get(word) or stemmed)
    return tuple(out)


def token_set_similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard index of two collections of words (1.0 when both are empty)."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def char_ngrams(text: str, n: int = 3) -> Counter[str]:
    padded = f" {text} "
    if len(padded) < n:
        return Counter([padded])
    return Counter(padded[i : i + n] for i in range(len(padded) - n + 1))


def _dice(ga: Counter[str], gb: Counter[str]) -> float:
    total = ga.total() + gb.total()
    if total == 0:
        return 1.0
    if len(ga) > len(gb):
        ga, gb = gb, ga
    shared = sum(min(count, gb[gram]) for gram, count in ga.items() if gram in gb)
    return 2 * shared / total


def char_ngram_similarity(a: str, b: str, n: int = 3) -> float:
    """Dice coefficient of the character n-gram multisets of two strings."""
    return _dice(char_ngrams(a, n), char_ngrams(b, n))


@lru_cache(maxsize=65536)
def _profile(tokens: frozenset[str]) -> Counter[str]:
    """The character trigrams of a statement's words, in a fixed order."""
    return char_ngrams(" ".join(sorted(tokens)))


def text_similarity(
    a: str, b: str, extra_stop_words: Iterable[str] = (), *, floor: float = 0.0
) -> float:
    """How far two statements say the same thing in the same words, 0.0-1.0.

    With ``floor``, a pair whose shared words alone show it cannot reach ``floor`` is not
    compared character by character: the result is then an upper bound, below ``floor``.
    """
    stop = _stop_key(extra_stop_words)
    ta, tb = frozenset(_normalised(a, stop)), frozenset(_normalised(b, stop))
    if not ta and not tb:
        # Nothing but figures and filler on either side: compare the raw text instead.
        ra, rb = " ".join(words(a)), " ".join(words(b))
        return 1.0 if ra == rb else char_ngram_similarity(ra, rb)
    if not ta or not tb:
        return 0.0
    if ta == tb:
        return 1.0
    tokens = len(ta & tb) / len(ta | tb)
    if (tokens + 1) / 2 < floor:
        return (tokens + 1) / 2
    return (tokens + _dice(_profile(ta), _profile(tb))) / 2


# -- figures, however they are written ---------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000,
           "mn": 1_000_000, "mm": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000,
           "b": 1_000_000_000}
# Shares and multiples in words, as percentages: "a fifth", "double", "nine in ten".
_SHARES = {"half": 50.0, "halve": 50.0, "halved": 50.0, "third": 33.3, "thirds": 33.3,
           "quarter": 25.0, "quarters": 25.0, "fifth": 20.0, "fifths": 20.0, "tenth": 10.0,
           "double": 100.0, "doubled": 100.0, "doubling": 100.0, "twice": 100.0,
           "triple": 200.0, "tripled": 200.0, "tripling": 200.0}
_FIGURE_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)


def figures(text: str) -> frozenset[float]:
    """The figures a statement names, in figures or in words, each reduced to its leading
    part ("$45M", "forty-five million dollars" and "45" all give 45.0; "nine in ten" and
    "90%" give 90.0; "double" gives 100.0 as a growth in per cent)."""
    return _figures(text)


def _digits(token: str) -> float:
    """A figure written in digits: "1,500" and "2.5" read as such, "2,5" as 2.5."""
    parts = token.split(",")
    if len(parts) > 1 and all(len(part) == 3 for part in parts[1:]):
        return float(token.replace(",", ""))
    return float(token.replace(",", "."))


def _leading(value: float) -> float:
    """A figure without its thousands: 45,000,000 and 45 million both give 45."""
    while value >= 1000 and value % 1000 == 0:
        value /= 1000
    return value


def _number_in_words(tokens: list[str], i: int) -> tuple[float | None, int]:
    """The figure spelt out from ``tokens[i]`` ("forty five", "two hundred"), or None for
    a lone "one" ("every one of our sites", but not "one in five"), and the index after it."""
    start, value = i, 0.0
    while i < len(tokens) and (tokens[i] in _UNITS_WORDS or tokens[i] == "hundred"):
        value = value * 100 if tokens[i] == "hundred" else value + _UNITS_WORDS[tokens[i]]
        i += 1
    lone_one = tokens[start:i] == ["one"]
    if lone_one and not (i < len(tokens) and (tokens[i] in _SCALES or tokens[i] in {"in", "out"})):
        return None, i
    return value, i


@lru_cache(maxsize=65536)
def _figures(text: str) -> frozenset[float]:
    tokens = _FIGURE_TOKEN.findall(text.casefold().replace("-", " "))
    found: list[float] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _SHARES:
            found.append(_SHARES[token])
            i += 1
            continue
        if token[0].isdigit():
            value: float | None = _digits(token)
            i += 1
        elif token in _UNITS_WORDS:
            value, i = _number_in_words(tokens, i)
            # "nine in ten", "one out of five": a share, in per cent.
            if value and i + 1 < len(tokens) and tokens[i] in {"in", "out"}:
                base = next((_UNITS_WORDS[t] for t in tokens[i + 1:i + 3]
                             if t in _UNITS_WORDS), None)
                if base:
                    found.append(round(100.0 * value / base, 1))
                    i += 3 if tokens[i] == "out" else 2
                    continue
        else:
            i += 1
            continue
        if i < len(tokens) and tokens[i] in _SCALES:
            i += 1  # "45 million": the figure is read without its scale anyway
        if value is not None:
            found.append(_leading(value))
    return frozenset(found)


def same_figures(a: frozenset[float], b: frozenset[float]) -> bool | None:
    """Whether two statements name the same figures (each of either near one of the other's,
    within 12 %: "nearly a third" is 30 %); None when either names none."""
    if not a or not b:
        return None

    def near(x: float, y: float) -> bool:
        return abs(x - y) <= 0.12 * max(abs(x), abs(y))

    return all(any(near(x, y) for y in b) for x in a) and all(
        any(near(y, x) for x in a) for y in b
    )


# -- a child narrowing its parent, and the owner's own words ------------------------------

# Words that add no scope when a child adds them to its parent's.
_GENERIC = frozenset(
    normalise("long term always truly really fully everyone everybody whole entire "
              "significantly continuously consistently every single time faster quicker "
              "sooner better further again harder stronger maximum")
)
# A label naming who owns a statement ("Ops: make our buses the reliable choice"), at its
# start: who, not what ("Reduce churn: SMB customers in EMEA" opens with its parent's words,
# not a label).
_LABEL = re.compile(r"^\s*([\w&/' -]{1,30}):\s+")


def _without_label(a: str, b: str) -> str:
    found = _LABEL.match(a)
    if found is None or set(normalise(found.group(1))) & set(normalise(b)):
        return a
    return a[found.end():]


def narrows(a: str, b: str, stop: tuple[str, ...] = ()) -> bool:
    """Whether ``a`` keeps every word of ``b`` and adds its own scope to them: a segment, a
    region, an audience, a channel ("Delight our customers" -> "Delight our enterprise
    customers", "Reduce churn" -> "Reduce churn among SMB customers in EMEA"). Narrowing a
    parent to the part a team owns is the first step of translating it."""
    a = _without_label(a, b)
    mine_seq, theirs_seq = normalise(a, stop), normalise(b, stop)
    mine, theirs = set(mine_seq), set(theirs_seq)
    added = mine - theirs - _GENERIC
    if not theirs or not theirs <= mine or not added:
        return False
    # A scope after a preposition: "... in EMEA", "... for engineers", "... among SMBs";
    # not the whole ("across all our centres", "across the portfolio").
    for match in _SCOPE.finditer(a.casefold()):
        if not _WHOLE.search(match.group(0)) and added.intersection(
            normalise(match.group(1), stop)
        ):
            return True
    # One qualifier added before a word of the parent's: "our enterprise customers" (not a
    # verb in front, "Build ...", nor a word after, "... every shift").
    if len(mine_seq) == len(theirs_seq) + 1:
        for i, word in enumerate(mine_seq):
            if word in added and mine_seq[:i] + mine_seq[i + 1:] == theirs_seq:
                return word not in _DIRECTION_VALUES and _qualifies(word, a, b)
    return False


def _qualifies(word: str, a: str, b: str) -> bool:
    """Whether ``word`` stands in ``a`` between words of ``b`` (the owner's name counted
    too: "Delight our enterprise customers" for the customer success team)."""
    mine, theirs = normalise(a), set(normalise(b))
    at = mine.index(word)  # there: the owner's words are only ever taken out
    return any(w in theirs for w in mine[:at]) and any(w in theirs for w in mine[at + 1:])


_WHOLE = re.compile(r"^(?:across|throughout)\b|\b(?:all|every|whole|entire)\b")
_DIRECTION_VALUES = frozenset(DIRECTIONS.values())


_SCOPE = re.compile(
    r"\b(?:in|among|amongst|for|within|across|through|via|at|with)\s+((?:[\w'-]+\s*){1,4})"
)


def without_words(text: str, stop: tuple[str, ...]) -> str:
    """The text without the owner's own name ("Sales team: grow ARR" -> "grow ARR")."""
    if not stop:
        return text
    drop = {w.casefold() for w in stop}
    return " ".join(w for w in text.split() if w.strip(":,.;-").casefold() not in drop)


_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")


def expand_acronyms(a: str, b: str) -> str:
    """``a`` with each acronym spelt out where ``b`` spells it: "take CR from 103 to 97"
    against "Improve combined ratio from 103% to 97%" reads "take combined ratio from ...";
    "MTTR" against "mean time to repair". An acronym ``b`` does not spell stays as it is."""
    every = re.findall(r"[^\W\d_]+", b)
    # Initials of the words that carry meaning first ("profit per equity partner" is PEP),
    # then of every word ("mean time to repair" is MTTR).
    readings = [[w for w in every if w.casefold() not in STOP_WORDS], every]

    def spell(match: re.Match[str]) -> str:
        word = match.group(0)
        acronym = word[:-1] if word.endswith("s") and len(word) > 2 else word
        if acronym in b:
            return word
        key = acronym.casefold()
        for spelt in readings:
            at = "".join(w[0].casefold() for w in spelt).find(key)
            if at >= 0:
                return " ".join(spelt[at:at + len(key)])
        return word

    return _ACRONYM.sub(spell, a)


# A scope (a region, a segment) is compared after the same preposition; what a piece of
# work is for (a target, a quota) may be said in any of these words, whichever the parent
# used ("... pipeline that supports team quota attainment" under "... pipeline to hit 40 new
# logos").
_SCOPES = frozenset(("in", "among", "amongst", "within", "across", "at"))
_PURPOSES = frozenset(
    ("for", "toward", "towards", "supporting", "that support", "that supports", "to hit",
     "to reach", "to meet", "to support", "to deliver")
)
_AIMS = sorted(_SCOPES | _PURPOSES, key=lambda w: (-len(w), w))  # the longest tried first
_AIM = re.compile(
    r"^(.*?)\b(" + "|".join(w.replace(" ", r"\s+") for w in _AIMS)
    + r")\s+((?:[\w'$%.,-]+\s*){1,6})$",
    re.IGNORECASE,
)


def _same_aim(mine: str, theirs: str) -> bool:
    mine, theirs = " ".join(mine.casefold().split()), " ".join(theirs.casefold().split())
    return mine == theirs or (mine in _PURPOSES and theirs in _PURPOSES)


def rescopes(a: str, b: str, stop: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """Whether ``a`` keeps what ``b`` does and aims it at a target or scope of its own:
    both end in a scope after the same preposition (or both in what their work is for,
    however each says it: ``_PURPOSES``), ``a``'s work is ``b``'s (its words
    found in ``b``'s), and the two scopes share no word ("Build and close pipeline for the
    team quota" under "Generate and close enough enterprise pipeline for 40 new logos").
    The two scopes when it does (for a reader of meaning to tell "LHR" from "the team
    quota"), else None."""
    mine, theirs = _AIM.match(a.strip().rstrip(".")), _AIM.match(b.strip().rstrip("."))
    if not mine or not theirs or not _same_aim(mine.group(2), theirs.group(2)):
        return None
    work, their_work = set(normalise(mine.group(1), stop)), set(normalise(theirs.group(1), stop))
    scope, their_scope = set(normalise(mine.group(3), stop)), set(normalise(theirs.group(3), stop))
    if not work or not scope or not their_work:
        return None
    if len(work & their_work) / len(work) < 0.5 or scope & their_scope:
        return None
    return mine.group(3).strip(), theirs.group(3).strip()
