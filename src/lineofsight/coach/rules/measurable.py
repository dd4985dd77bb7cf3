"""Check 4, measurable key results: outcomes with a number, not activities or intentions.

Each key result gets at most one finding, the first rule that applies:

* ``measurable.activity``: it counts effort rather than the change the effort should bring
  ("have 10 customer meetings", "send 300 emails", "hold weekly syncs"). Recognised from the
  wording: an activity noun (meetings, calls, emails, posts, hours...) or a verb that is
  itself effort (call, email, visit, attend...) with a count, or a recurring activity
  ("weekly", "every sprint"). Not when it measures a rate or share (unit "%", "rate",
  "conversion") or sets out to reduce the activity (kind decrease / stay below).
* ``measurable.unmeasurable``: nothing to measure -- no figure in the wording and none in
  the fields. A milestone is unmeasurable when it opens with a vague verb ("work on",
  "improve", "focus on"), promises a comparative without saying how much ("better",
  "world-class") or names a bare topic ("customer satisfaction"); a milestone naming a
  deliverable ("launch the partner portal", "pass the SOC 2 audit") is a legitimate key
  result. A numeric key result with neither start nor target is unmeasurable when it opens
  with a vague verb ("work on churn").
* ``measurable.no_target``: any other numeric key result (increase, decrease, stay
  above/below) without a target, or whose target equals its start.

Each finding carries an outcome-style rewrite pattern, with an example fitted to the topic.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import wording
from .common import live_key_results, live_objectives, quoted, with_unit, word_set
from .facts import CoachSettings, KeyResultFacts, ObjectiveFacts, Population
from .findings import Finding, Level, Subject

CHECK = "measurable"

NUMERIC_KINDS = frozenset({"increase", "decrease", "stay_above", "stay_below"})

# Things people do, counted: the noun of an activity key result, singular and plural.
_ACTIVITY_NOUNS: dict[str, str] = {}
for _group, _forms in {
    "meetings": "meeting meetings 1:1 1:1s one-on-one one-on-ones sync syncs standup standups "
    "stand-up stand-ups huddle huddles",
    "calls": "call calls",
    "emails": "email emails e-mail e-mails mail mails mailing mailings",
    "demos": "demo demos",
    "visits": "visit visits",
    "touchpoints": "touchpoint touchpoints touch touches outreach",
    "workshops": "workshop workshops session sessions training trainings course courses",
    "posts": "post posts tweet tweets article articles newsletter newsletters",
    "events": "event events webinar webinars conference conferences meetup meetups "
    "hackathon hackathons offsite offsites roadshow roadshows campaign campaigns",
    "presentations": "presentation presentations talk talks",
    "interviews": "interview interviews",
    "hours": "hour hours",
}.items():
    for _form in _forms.split():
        _ACTIVITY_NOUNS[_form] = _group

# Verbs that are themselves effort: "call 50 prospects", "visit 20 customers".
_EFFORT_VERBS = word_set(
    "call calls email emails visit visits attend attends contact contacts "
    "spend spends tweet tweets ping pings reach talk"
)
# Verbs of doing, which make an activity of a recurring thing: "hold weekly syncs".
_DOING_VERBS = word_set(
    "have hold holds attend do run runs conduct conducts host hosts organise organize "
    "schedule send sends make makes give gives deliver write publish post join book "
    "complete participate facilitate present"
)
_FREQUENCY = word_set(
    "daily weekly fortnightly biweekly bi-weekly monthly quarterly every each regular "
    "regularly twice"
)
# Words that turn a count into a rate or an outcome of the activity.
_RATE_WORDS = word_set(
    "rate ratio share percent percentage conversion convert converted converting "
    "resulting result results nps csat satisfaction score"
)

_VAGUE_VERBS = (
    "work on", "working on", "focus on", "focusing on", "look into", "looking into",
    "make progress on", "make progress", "try to", "continue to", "keep", "improve",
    "improving", "better", "enhance", "boost", "optimise", "optimize", "strengthen",
    "increase", "reduce", "decrease", "grow", "raise", "lower", "cut", "support", "help",
    "explore", "investigate", "understand", "learn", "drive", "be", "become", "ensure",
    "maintain", "promote", "encourage", "foster", "address", "tackle", "streamline",
    "prioritise", "prioritize", "get better at", "invest in", "elevate", "deepen",
    "work towards", "work toward",
)
# Milestones that name a deliverable: done or not done is a fair measure.
_DELIVERABLE_VERBS = word_set(
    "launch ship release sign complete publish migrate hire open pass obtain achieve roll go "
    "sunset deprecate implement deploy adopt select choose file submit finalise finalize "
    "close automate replace retire move integrate certify get introduce set define "
    "document build deliver create approve agree negotiate renew consolidate decommission "
    "secure win land onboard train appoint establish design draft run"
)
# Words that make a milestone a deliverable wherever they stand: "new pricing page live".
_DELIVERABLE_WORDS = word_set(
    "live launched shipped released signed completed complete done approved rolled migrated "
    "published deployed implemented certified passed hired renewed closed agreed adopted "
    "revamp redesign migration launch rollout release audit certification policy playbook "
    "dashboard portal plan programme program framework pilot system tool page report "
    "contract agreement integration feature app website site api handbook"
)
_TOPIC_NOUNS = word_set(
    "quality satisfaction awareness culture experience relationship relationships "
    "engagement morale efficiency collaboration communication visibility alignment "
    "process processes performance productivity brand churn retention revenue growth "
    "sales pipeline reliability stability security compliance hiring onboarding nps csat "
    "adoption usage trust reputation innovation speed velocity happiness loyalty "
    "excellence health"
)
_NUMBER_WORDS = word_set(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
    "fifty hundred thousand million double triple halve half twice zero all every"
)

_SOURCE_WORDS = word_set("from per after via through at in during by with following")
_NOT_A_COUNT = word_set("all every zero half")
_OUTCOME_HEADS = word_set(
    "request requests lead leads pipeline revenue signups sign-ups registrations attendees "
    "feedback quality sourced"
)
# Comparatives that promise a change without saying how much.
_COMPARATIVES = word_set(
    "better improved stronger greater faster higher lower best world-class excellent "
    "smoother healthier happier"
)

_WORD = re.compile(r"[a-z0-9]+(?:[-:'][a-z0-9]+)*")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.casefold()))


def _has_figure(text: str) -> bool:
    return bool(_DIGIT.search(text)) or any(w in _NUMBER_WORDS for w in _words(text))


_VAGUE_PHRASES = frozenset(_VAGUE_VERBS)
_LONGEST_VAGUE = max(len(p.split()) for p in _VAGUE_VERBS)


def _starts_with_vague(words: tuple[str, ...]) -> str | None:
    """The longest vague phrase the words open with, if any."""
    for size in range(min(_LONGEST_VAGUE, len(words)), 0, -1):
        phrase = " ".join(words[:size])
        if phrase in _VAGUE_PHRASES:
            return phrase
    return None


def activity_noun(kr: KeyResultFacts) -> str | None:
    """The activity a key result counts ("meetings", "calls"...), or None."""
    if kr.kind in {"decrease", "stay_below"}:
        return None  # reducing an activity (meeting load, hours) is an efficiency outcome
    words = _words(kr.title)
    if not words:
        return None
    unit = kr.unit.strip().casefold()
    if unit in {"%", "percent", "pp"} or any(w in _RATE_WORDS for w in words) or "%" in kr.title:
        return None
    # The activity counted is the head of the phrase, not a source ("leads from webinars").
    # It is not counted either when it only qualifies what is ("demo requests").
    nouns = [
        _ACTIVITY_NOUNS[w]
        for i, w in enumerate(words)
        if w in _ACTIVITY_NOUNS
        and not _SOURCE_WORDS.intersection(words[max(0, i - 2) : i])
        and not (i + 1 < len(words) and words[i + 1] in _OUTCOME_HEADS)
    ]
    if unit in _ACTIVITY_NOUNS:
        nouns.append(_ACTIVITY_NOUNS[unit])
    counted = bool(_DIGIT.search(kr.title)) or kr.target_value is not None or any(
        w in _NUMBER_WORDS and w not in _NOT_A_COUNT for w in words
    )
    recurring = any(w in _FREQUENCY for w in words) or "every" in words
    first = words[0]
    if nouns and (counted or recurring):
        return nouns[0]
    if first in _EFFORT_VERBS and (counted or recurring):
        return {"call": "calls", "email": "emails", "visit": "visits", "attend": "events",
                "spend": "hours", "tweet": "posts"}.get(first.rstrip("s"), "contacts")
    if first in _DOING_VERBS and recurring:
        return "recurring activities"
    return None


# Milestones that finish a piece of work: done or not done says the work happened, not what
# it changed. (Passing, winning, securing, signing or obtaining something is a result.)
_MAKING_VERBS = word_set(
    "launch ship release publish migrate implement deploy roll build create design draft "
    "write develop deliver complete finish finalise finalize introduce set document automate "
    "replace redesign revamp refresh rebuild upgrade update install configure integrate "
    "produce prepare run pilot test define map consolidate decommission retire sunset "
    "deprecate move open"
)
_MADE_WORDS = word_set(
    "live launched shipped released published deployed implemented rolled built created "
    "designed drafted written developed delivered completed complete finished done "
    "introduced documented automated replaced redesigned upgraded installed integrated "
    "migrated in-place"
)


# How sure the model must still be that a milestone is a deliverable when the word lists say
# it is ("Migrate ranking to the new model" opens with a verb of making): the lists and the
# model each catch what the other misses, and a verb of making with the model leaning the
# other way is as often a result ("Sign the publishing deal").
LISTED_DELIVERABLE = 0.3


def deliverable_work(kr: KeyResultFacts) -> str | None:
    """What shows a milestone only finishes a piece of work, or None for a result: the
    meaning model's verdict, or the wording ("launch", "live"...) when the model does not
    lean hard the other way; the wording alone without the model."""
    listed = _made(_words(kr.title))
    verdict = wording.deliverable(kr.title)
    if verdict is None:
        return listed
    if verdict.bad:
        return f"like {quoted(verdict.closest)}"
    return listed if verdict.probability >= LISTED_DELIVERABLE else None


def _made(words: tuple[str, ...]) -> str | None:
    """The verb of making a milestone opens with, or the word saying the work is done."""
    if not words:
        return None
    if words[0] in _MAKING_VERBS:
        return words[0]
    return next((w for w in words if w in _MADE_WORDS), None)


def _vague_verb(kr: KeyResultFacts) -> str | None:
    """The vague verb a key result opens with ("work on", "improve"...), or None."""
    verb = _starts_with_vague(_words(kr.title))
    return f'"{verb}"' if verb is not None else None


def _bare_topic(kr: KeyResultFacts) -> str | None:
    """A short statement naming a topic and no deliverable ("customer satisfaction")."""
    words = _words(kr.title)
    if not words:
        return "an empty statement"
    if words[0] in _DELIVERABLE_VERBS or any(w in _DELIVERABLE_WORDS for w in words):
        return None
    comparative = next((w for w in words if w in _COMPARATIVES), None)
    if comparative is not None:
        return f'"{comparative}" without saying how much'
    topics = [w for w in words if w in _TOPIC_NOUNS]
    if topics and len(words) <= 5:
        return f'"{topics[0]}", a topic rather than a result'
    return None


def check_measurable(
    population: Population, settings: CoachSettings | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    for objective in live_objectives(population):
        for kr in live_key_results(objective):
            finding = check_key_result(objective, kr)
            if finding is not None:
                findings.append(finding)
    return findings


def check_key_result(objective: ObjectiveFacts, kr: KeyResultFacts) -> Finding | None:
    """The one measurability finding for a key result, if any (the drafting form uses it)."""
    noun = activity_noun(kr)
    if noun is not None:
        return _finding(
            objective,
            kr,
            "measurable.activity",
            f"{quoted(kr.title)} counts {noun}: an activity, not the outcome it should bring.",
            f"Instead of counting {noun}, measure what the {noun} should change: "
            f"<metric> from X to Y (for example {_ACTIVITY_EXAMPLES.get(noun, _GENERIC)}). "
            f"Keep the {noun} as an initiative under that key result.",
        )
    numeric = kr.kind in NUMERIC_KINDS
    if not _has_figure(kr.title) and (kr.kind == "milestone" or kr.target_value is None):
        # No figure anywhere. A numeric key result names a metric by its kind: only a vague
        # verb with no start either makes it unmeasurable (else it lacks a target, below).
        # A milestone is unmeasurable with a vague verb, a comparative that does not say
        # how much, or when it names a topic and no deliverable.
        reason = None
        if not numeric:
            reason = _vague_verb(kr) or _bare_topic(kr)
        elif kr.start_value is None:
            reason = _vague_verb(kr)
        if reason is not None:
            example = _topic_example(kr.title)
            return _finding(
                objective,
                kr,
                "measurable.unmeasurable",
                f"{quoted(kr.title)} cannot be measured: it states {reason} with no number "
                "and no target, so nobody can tell at the end of the cycle whether it was "
                "achieved.",
                f"Name the metric and the move: <metric> from X to Y by the end of the cycle "
                f"(for example {example}).",
            )
    if numeric and kr.target_value is None:
        return _finding(
            objective,
            kr,
            "measurable.no_target",
            f"{quoted(kr.title)} has no target: progress cannot be measured without one.",
            "Set the figure that would count as success by the end of the cycle, "
            + (
                f"starting from {with_unit(kr.start_value, kr.unit)} (for example "
                f"{quoted(kr.title)} from {with_unit(kr.start_value, kr.unit)} to ...)."
                if kr.start_value is not None
                else "and the value it starts from."
            ),
        )
    if kr.kind == "milestone":
        deliverable = deliverable_work(kr)
        if deliverable is not None:
            return _deliverable_finding(objective, kr, deliverable)
    if (
        kr.kind in {"increase", "decrease"}
        and kr.start_value is not None
        and kr.target_value is not None
        and kr.start_value == kr.target_value
    ):
        same = with_unit(kr.target_value, kr.unit)
        return _finding(
            objective,
            kr,
            "measurable.no_target",
            f"{quoted(kr.title)} starts and ends at {same}: there is nothing to move.",
            "If the point is to hold the line, make it \u201cstay above\u201d or "
            "\u201cstay below\u201d that figure; otherwise set the figure to reach.",
        )
    if kr.kind in NUMERIC_KINDS:
        verdict = wording.activity(kr.title, kr.kind, kr.unit)
        if verdict is not None and verdict.bad:
            return _finding(
                objective,
                kr,
                "measurable.activity",
                f"{quoted(kr.title)} reads as work done (like {quoted(verdict.closest)}) "
                "rather than the change that work should bring.",
                "Measure what the work should change: <metric> from X to Y (for example "
                f"{_topic_example(f'{kr.title} {objective.title}')}). Keep the work itself "
                "as an initiative under that key result.",
            )
    return None


def _deliverable_finding(objective: ObjectiveFacts, kr: KeyResultFacts, work: str) -> Finding:
    example = _topic_example(f"{kr.title} {objective.title}")
    return Finding(
        check=CHECK,
        code="measurable.deliverable",
        level=Level.INFO,
        subject=Subject.KEY_RESULT,
        subject_id=kr.id,
        objective_id=objective.id,
        message=(
            f"{quoted(kr.title)} is a deliverable: done or not done says the work was "
            "finished, not what it changed."
        ),
        suggestion=(
            "What outcome does it move? Make that the key result, with a number: "
            f"<metric> from X to Y (for example {example}), and keep the work as an "
            "initiative under it. If finishing it is itself the result the objective needs, "
            "acknowledge this note."
        ),
    )


def _finding(
    objective: ObjectiveFacts, kr: KeyResultFacts, code: str, message: str, suggestion: str
) -> Finding:
    return Finding(
        check=CHECK,
        code=code,
        level=Level.WARNING,
        subject=Subject.KEY_RESULT,
        subject_id=kr.id,
        objective_id=objective.id,
        message=message,
        suggestion=suggestion,
    )


_GENERIC = "\u201cqualified pipeline from $2M to $3M\u201d"
_ACTIVITY_EXAMPLES = {
    "meetings": "\u201cqualified opportunities from 20 to 35\u201d, or for internal syncs "
    "\u201cdecisions waiting more than a week from 8 to 2\u201d",
    "calls": "\u201cmeetings that become qualified opportunities from 15 % to 25 %\u201d",
    "emails": "\u201creply rate from target accounts from 2 % to 5 %\u201d",
    "demos": "\u201cdemo-to-trial conversion from 20 % to 35 %\u201d",
    "visits": "\u201cexpansion revenue from visited accounts from $1M to $1.5M\u201d",
    "touchpoints": "\u201cpipeline from target accounts from $2M to $3M\u201d",
    "contacts": "\u201cqualified opportunities from target accounts from 20 to 35\u201d",
    "workshops": "\u201cfirst-time-right rate from 70 % to 90 %\u201d",
    "posts": "\u201csign-ups from content from 200 to 500 a month\u201d",
    "events": "\u201cqualified leads from events from 40 to 100\u201d",
    "presentations": "\u201caccounts moving to a proposal from 5 to 12\u201d",
    "interviews": "\u201croadmap items backed by customer evidence from 30 % to 80 %\u201d",
    "hours": "\u201ccycle time from 10 days to 5\u201d",
    "recurring activities": "\u201cdecisions waiting more than a week from 8 to 2\u201d",
}

_TOPIC_EXAMPLES = (
    (("churn",), "\u201cmonthly logo churn from 3 % to 2 %\u201d"),
    (("retention", "retain"), "\u201cnet revenue retention from 105 % to 115 %\u201d"),
    (("quality", "bug", "bugs", "defect", "defects"),
     "\u201cescaped defects per release from 12 to 4\u201d"),
    (("satisfaction", "csat", "happy", "happiness"),
     "\u201cCSAT from 4.1 to 4.5\u201d"),
    (("nps", "promoter", "loyalty"), "\u201cNPS from 30 to 45\u201d"),
    (("onboarding", "activation"), "\u201ctime to first value from 14 days to 5\u201d"),
    (("engagement", "usage", "adoption", "active"),
     "\u201cweekly active accounts from 40 % to 60 %\u201d"),
    (("awareness", "brand", "reputation", "visibility"),
     "\u201caided awareness among target accounts from 12 % to 20 %\u201d"),
    (("culture", "morale", "wellbeing", "team"), "\u201ceNPS from 10 to 30\u201d"),
    (("efficiency", "process", "processes", "speed", "faster", "contract", "contracts"),
     "\u201ccontract review time from 14 days to 7\u201d"),
    (("revenue", "sales", "growth", "pipeline", "arr"),
     "\u201cARR from $12M to $18M\u201d"),
    (("hiring", "recruiting", "talent"), "\u201ctime to hire from 60 days to 35\u201d"),
    (("security", "compliance", "risk", "audit"),
     "\u201ccritical findings open over 30 days from 12 to 0\u201d"),
    (("reliability", "stability", "uptime", "outages", "incidents"),
     "\u201cmonthly uptime from 99.5 % to 99.9 %\u201d"),
    (("cost", "costs", "spend", "budget"), "\u201ccost per ticket from $9 to $6\u201d"),
    (("support", "tickets", "ticket", "response"),
     "\u201cfirst response time from 8 hours to 2\u201d"),
    (("close", "books", "closing", "finance", "reporting"),
     "\u201cmonth-end close from 10 working days to 5\u201d"),
)


def _topic_example(title: str) -> str:
    words = set(_words(title))
    for keys, example in _TOPIC_EXAMPLES:
        if words.intersection(keys):
            return example
    return "\u201ccontract review time from 14 days to 7\u201d"
