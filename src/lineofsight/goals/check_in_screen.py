"""The check-in screen (``/check-in/``): check in on all my key results at once.

One row per key result I own and check in on (``goals.tracking.check_ins_due``), grouped under
their objectives, most urgent first. Each row holds the current value (or done / not done for
a milestone), a confidence, blockers and a note, prefilled with the latest reading.

* **Save** on a row (or Enter in one of its fields) records that row's check-in through the
  named action ``goals.actions.record_check_in``; with htmx only the row and its objective's
  figures are swapped, without a reload. A bad row shows the action's error beside the field
  and saves nothing.
* **Save all** records every *filled* row (one whose value, done, confidence differs from what
  was shown, or that has blockers or a note) in one transaction: if any row is refused,
  nothing is saved and each refused row shows its error.

Without JavaScript the screen is one ordinary form: each row's button and "Save all" post it.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lineofsight.core.errors import InvalidInput
from lineofsight.core.parsing import as_id
from lineofsight.core.web import SignedInRequest, apply_errors, is_htmx, page, render_page
from lineofsight.goals import actions, scoring, selectors, tracking
from lineofsight.goals.models import KeyResult, Objective
from lineofsight.goals.tracking import check_ins_due
from lineofsight.goals.tracking.check_ins_due import DueList, DueRow

DONE_CHOICES = [("", "\u2013"), ("done", "Done"), ("not_done", "Not done")]
TEXT_MAX = actions.TEXT_MAX


def _shown_value(kr: KeyResult) -> str:
    if kr.current_value is None:
        return ""
    return f"{kr.current_value:g}" if abs(kr.current_value) < 1e15 else repr(kr.current_value)


def _shown_done(kr: KeyResult) -> str:
    return "done" if kr.done else "not_done"


class CheckInRowForm(forms.Form):
    """One row of the screen. Shapes only; the rules are the action's."""

    value = forms.FloatField(
        label="Current value", required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    done = forms.ChoiceField(label="Milestone", choices=DONE_CHOICES, required=False)
    confidence = forms.ChoiceField(
        label="Confidence", choices=[(c.value, c.label) for c in scoring.Confidence]
    )
    blockers = forms.CharField(label="Blockers", required=False, max_length=TEXT_MAX)
    note = forms.CharField(label="Note", required=False, max_length=TEXT_MAX)
    # What the row showed when the page was drawn: tells a filled row from an untouched one.
    shown_value = forms.CharField(required=False, widget=forms.HiddenInput)
    shown_done = forms.CharField(required=False, widget=forms.HiddenInput)
    shown_confidence = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, key_result: KeyResult, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"kr-{key_result.pk}")
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        if key_result.kind == scoring.KeyResultKind.MILESTONE:
            del self.fields["value"]
            self.fields["done"].required = True
        else:
            del self.fields["done"]
            if key_result.unit:
                self.fields["value"].label = f"Current value ({key_result.unit})"
        for name in ("blockers", "note"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    @property
    def is_milestone(self) -> bool:
        return "done" in self.fields

    def raw(self, name: str) -> str:
        return str(self.data.get(self.add_prefix(name), "") or "").strip()

    def is_filled(self) -> bool:
        """Whether the person entered something in this row (for "Save all")."""
        if self.raw("blockers") or self.raw("note"):
            return True
        if self.raw("confidence") != self.raw("shown_confidence"):
            return True
        if self.is_milestone:
            return self.raw("done") != self.raw("shown_done")
        return _same_number(self.raw("value"), self.raw("shown_value")) is False


def _same_number(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def initial_for(kr: KeyResult) -> dict[str, Any]:
    confidence = kr.confidence or scoring.Confidence.ON_TRACK.value
    return {
        "value": _shown_value(kr),
        "done": _shown_done(kr),
        "confidence": confidence,
        "shown_value": _shown_value(kr),
        "shown_done": _shown_done(kr),
        "shown_confidence": confidence,
    }


@dataclass
class Row:
    due: DueRow
    form: CheckInRowForm
    today: dt.date
    saved_at: dt.datetime | None = None

    @property
    def due_text(self) -> str:
        return self.due.due.describe(self.today)

    @property
    def key_result(self) -> KeyResult:
        return self.due.key_result

    @property
    def percent(self) -> int:
        return scoring.percent(self.key_result.progress)


@dataclass
class Group:
    objective: Objective
    card: selectors.ObjectiveCard | None
    rows: list[Row] = field(default_factory=list)


def _groups(user: Any, rows: list[Row]) -> list[Group]:
    """Rows under their objectives, in the order of each objective's most urgent row."""
    grouped: OrderedDict[int, Group] = OrderedDict()
    for row in rows:
        objective = row.key_result.objective
        grouped.setdefault(objective.pk, Group(objective, None)).rows.append(row)
    objectives = [g.objective for g in grouped.values()]
    cards = selectors.cards(user, objectives)
    tracking.annotate_cards(cards)  # each objective's one status: its pace, as everywhere
    for card in cards:
        grouped[card.objective.pk].card = card
    return list(grouped.values())


def _fresh_rows(due: DueList, saved: dict[int, dt.datetime] | None = None) -> list[Row]:
    saved = saved or {}
    return [Row(d, _unposted_form(d), due.today, saved.get(d.key_result.pk)) for d in due.rows]


def _context(request: SignedInRequest, due: DueList, rows: list[Row], **extra: Any) -> dict:
    request._los_due_count = due.count  # type: ignore[attr-defined]
    return {
        "nav": "check-in",
        "due": due,
        "groups": _groups(request.user, rows),
        "rows": rows,
        **extra,
    }


def _posted_ids(request: SignedInRequest) -> list[int]:
    ids: list[int] = []
    for raw in request.POST.getlist("rows"):
        pk = as_id(raw)
        if pk is None:
            raise Http404("No such key result.")
        ids.append(pk)
    return ids


@page
@require_http_methods(["GET", "POST"])
def check_in_screen(request: SignedInRequest) -> HttpResponse:
    user = request.user
    due = check_ins_due.due_for(user)
    if request.method == "GET":
        rows = _fresh_rows(due)
        return render_page(request, "goals/check_in_screen.html", _context(request, due, rows))

    by_id = {d.key_result.pk: d for d in due.rows}
    posted = _posted_ids(request)
    target = request.POST.get("save", "all")
    if target != "all":
        try:
            only = int(target)
        except ValueError:
            raise Http404("No such key result.") from None
        posted = [only]
    if any(pk not in by_id for pk in posted):
        # Only the key results this screen lists can be checked in on from it.
        raise Http404("No such key result.")
    forms_by_id = {
        pk: CheckInRowForm(request.POST, key_result=by_id[pk].key_result) for pk in posted
    }
    single = target != "all"
    to_save = [form for form in forms_by_id.values() if single or form.is_filled()]
    failed = _record(request, to_save)
    status = 422 if failed or not to_save else 200

    if not failed and to_save:
        now = timezone.now()
        saved = {form.key_result.pk: now for form in to_save}
        check_ins_due.forget_due_count(request)
        fresh = check_ins_due.due_for(user)
        rows = _fresh_rows(fresh, saved)
        if single and is_htmx(request):
            row = next((r for r in rows if r.key_result.pk in saved), None)
            if row is None:  # the key result left the list (its objective closed meanwhile)
                raise Http404("No such key result.")
            context = _context(request, fresh, rows, row=row, group=_group_of(request, row))
            return render_page(request, "goals/check_in_screen_saved_row.html", context)
        note = (
            f"Saved {len(saved)} check-in{'' if len(saved) == 1 else 's'}."
            if not single
            else f"Check-in recorded on {to_save[0].key_result.title!r}."
        )
        if is_htmx(request):
            context = _context(request, fresh, rows, notice=note, notice_kind="success")
            return render_page(request, "goals/check_in_screen_rows.html", context)
        messages.success(request, note)
        return redirect(reverse("check-in"))

    # Refused (or nothing to save): show what was typed, each error on its own row.
    rows = [
        Row(d, forms_by_id.get(d.key_result.pk) or _unposted_form(d), due.today) for d in due.rows
    ]
    if not to_save:
        notice = "Nothing to save: change a value or a confidence, or add a note, first."
    elif single:
        notice = "Not saved: check the row marked below."
    else:
        bad = sum(1 for form in to_save if form.errors)
        notice = (
            f"Nothing was saved: {bad} row{'' if bad == 1 else 's'} need{'s' if bad == 1 else ''}"
            " a correction (marked below). Fix them and save again."
        )
    if single and is_htmx(request):
        row = next(r for r in rows if r.key_result.pk == posted[0])
        context = _context(request, due, rows, row=row, group=None)
        response = render_page(request, "goals/check_in_screen_row.html", context, status)
        return response
    context = _context(request, due, rows, notice=notice, notice_kind="error")
    template = (
        "goals/check_in_screen_rows.html" if is_htmx(request) else "goals/check_in_screen.html"
    )
    return render_page(request, template, context, status=status)


def _unposted_form(d: DueRow) -> CheckInRowForm:
    return CheckInRowForm(initial=initial_for(d.key_result), key_result=d.key_result)


def _group_of(request: SignedInRequest, row: Row) -> Group:
    objective = row.key_result.objective
    cards = selectors.cards(request.user, [objective])
    tracking.annotate_cards(cards)
    return Group(objective, cards[0], [row])


def _record(request: SignedInRequest, to_save: list[CheckInRowForm]) -> bool:
    """Record the rows' check-ins in one transaction; on any refusal roll all of them back
    and leave each error on its row. Returns whether anything was refused."""
    failed = False
    with transaction.atomic():
        for form in to_save:
            if not form.is_valid():
                failed = True
                continue
            data = form.cleaned_data
            done = None
            if form.is_milestone:
                done = data.get("done") == "done"
            try:
                actions.record_check_in(
                    acting_user=request.user,
                    key_result=form.key_result,
                    confidence=data["confidence"],
                    value=data.get("value"),
                    done=done,
                    blockers=data.get("blockers", ""),
                    note=data.get("note", ""),
                )
            except InvalidInput as exc:
                apply_errors(form, exc, {"key_result": "__all__"})
                failed = True
        if failed:
            transaction.set_rollback(True)
    return failed
