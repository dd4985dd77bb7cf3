"""The organisation's published OKR-to-review policy: what is in force, its history, and HR's
edits (each one a new row with its reason; nothing is overwritten).

Until HR publishes one, the default below is in force: OKRs are context in a review, not a
formula; missing a stretch goal carries no penalty; pay is never a formula of OKR attainment.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.models import PolicyMode, ReviewPolicy

TEXT_MAX = 20_000

DEFAULT_STATEMENT = (
    "OKRs are discussed in reviews as context, not as a formula. A review looks at what was "
    "planned, what happened, what was in the person's control and what they learned; the "
    "rating is the manager's judgement of performance, with OKR attainment as evidence "
    "beside it. Missing a stretch goal carries no penalty: an ambitious key result that lands "
    "at 70 % is a good quarter. The baseline expectations of the role (reliability, "
    "communication, routine work) are rated separately from OKRs."
)
DEFAULT_CONTRIBUTION = (
    "Contributions are assessed both ways: what the person moved on their own key results, and "
    "how they helped their team and colleagues reach theirs (help given, bottlenecks removed, "
    "work a scorecard would miss). Team results are shared: nobody is marked down for a team "
    "key result they could not move alone."
)
DEFAULT_COMPENSATION = (
    "Pay is never a formula of OKR attainment. Compensation decisions are made separately, "
    "with the review as one input among others. Contributions to key results may be "
    "recognised with public kudos and spot-bonus nominations, which are decisions, not "
    "calculations."
)


@dataclass(frozen=True)
class PolicyText:
    """The policy in force, whether published by HR (``published`` is True) or the default."""

    mode: str
    statement: str
    stretch_penalty: bool
    contribution: str
    compensation: str
    published: bool
    row: ReviewPolicy | None = None

    @property
    def mode_label(self) -> str:
        return PolicyMode(self.mode).label


DEFAULT_POLICY = PolicyText(
    mode=PolicyMode.CONTEXT,
    statement=DEFAULT_STATEMENT,
    stretch_penalty=False,
    contribution=DEFAULT_CONTRIBUTION,
    compensation=DEFAULT_COMPENSATION,
    published=False,
)


def policy_in_force() -> PolicyText:
    """The newest published policy, or the default when HR never published one (one query).
    Readable by every employee."""
    row = ReviewPolicy.objects.select_related("author").order_by("-created_at", "-pk").first()
    if row is None:
        return DEFAULT_POLICY
    return PolicyText(
        mode=row.mode,
        statement=row.statement,
        stretch_penalty=row.stretch_penalty,
        contribution=row.contribution,
        compensation=row.compensation,
        published=True,
        row=row,
    )


def policy_history() -> QuerySet[ReviewPolicy]:
    """Every published version, newest first (the first is the one in force)."""
    return ReviewPolicy.objects.select_related("author").order_by("-created_at", "-pk")


def _text(errors: dict[str, str], field: str, value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = "This field is required."
    elif len(value) > TEXT_MAX:
        errors[field] = f"Keep it under {TEXT_MAX} characters (it has {len(value)})."
    return value


@transaction.atomic
def publish_review_policy(
    *,
    acting_user: Person | None,
    statement: str,
    reason: str,
    mode: str = PolicyMode.CONTEXT,
    stretch_penalty: bool = False,
    contribution: str = "",
    compensation: str = "",
) -> ReviewPolicy:
    """Publish a new version of the policy (HR; ``acting_user=None`` is the system, used by
    the demo). The reason is required and kept with the version."""
    if acting_user is not None and (
        not acting_user.is_authenticated or not ReviewViewer.of(acting_user).can_manage_reviews()
    ):
        raise NotAllowed("Only HR admins edit the review policy.")
    errors: dict[str, str] = {}
    statement = _text(errors, "statement", statement, required=True)
    contribution = _text(errors, "contribution", contribution, required=False)
    compensation = _text(errors, "compensation", compensation, required=False)
    reason = _text(errors, "reason", reason, required=True)
    if mode not in PolicyMode.values:
        errors["mode"] = f"Choose one of: {', '.join(PolicyMode.values)}."
    if not isinstance(stretch_penalty, bool):
        errors["stretch_penalty"] = "Answer yes or no."
    if errors:
        raise InvalidInput(errors)
    row = ReviewPolicy.objects.create(
        mode=mode,
        statement=statement,
        stretch_penalty=stretch_penalty,
        contribution=contribution,
        compensation=compensation,
        reason=reason,
        author=acting_user,
    )
    audit.record(
        actor=acting_user,
        action="publish_review_policy",
        subject=row,
        data={"mode": mode, "stretch_penalty": stretch_penalty},
        amendment_reason=reason,
    )
    return row
