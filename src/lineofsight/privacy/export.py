"""Everything Line of Sight holds about one person, as a ZIP of JSON files and a README.

What the person may see is read through the access policy as that person (as if they were
still active, so someone who has left gets what they could see on their last day): their
reviews only as far as they may read them (their self review always; the manager review, the
rating and named feedback once the review was shared with them; never a manager's draft,
anonymous answers one by one or calibration notes), their own one-on-one private notes but
never the other person's, the spot-bonus nominations they made but never one of them.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lineofsight.access.policy import Viewer
from lineofsight.discussion.models import Comment
from lineofsight.goals.models import CheckIn, KeyResult, Objective
from lineofsight.integrations.models import InboxItem, Notification
from lineofsight.oneonones.models import ActionItem, AgendaItem, Meeting, PrivateNote, Series
from lineofsight.people.models import Membership, Person, Team
from lineofsight.reviews.models import (
    Answer,
    Feedback,
    Kudos,
    OneOnOneNote,
    Review,
    SpotBonusNomination,
)

FILES = (
    ("profile.json", "who they are: names, e-mail address, job title, manager, roles, dates"),
    ("teams.json", "the teams they belong to and the teams they lead"),
    (
        "objectives.json",
        "the objectives they own, with their key results, and the key results "
        "they own on others' objectives",
    ),
    ("check_ins.json", "every check-in they recorded"),
    (
        "reviews.json",
        "their reviews as they may read them: their self review; once a review "
        "was shared with them, the manager review, the rating and named feedback",
    ),
    ("feedback_written.json", "the feedback they wrote on other people's reviews"),
    ("comments.json", "the comments they wrote on objectives, key results and check-ins"),
    ("recognition.json", "kudos they gave and received, spot bonuses they nominated someone for"),
    (
        "one_on_ones.json",
        "their one-on-ones: meetings, shared notes, agenda, action items and "
        "their own private notes",
    ),
    ("notifications.json", "the messages sent to them and their inbox"),
)


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _name(person: Person | None) -> str | None:
    return person.name if person is not None else None


def viewer_as(person: Person) -> Viewer:
    """The access policy as ``person`` sees it, as if they were still active."""
    stand_in = copy.copy(person)
    stand_in.__dict__.pop("_los_viewer", None)
    stand_in.is_active = True
    return Viewer(stand_in)


def profile(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "username": person.username,
        "name": person.name,
        "display_name": person.display_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "manager": {"id": person.manager_id, "name": _name(person.manager)}
        if person.manager_id
        else None,
        "is_active": person.is_active,
        "is_hr_admin": person.is_hr_admin,
        "is_executive": person.is_executive,
        "date_joined": _when(person.date_joined),
        "last_login": _when(person.last_login),
    }


def teams(person: Person) -> dict[str, Any]:
    def row(t: Team) -> dict[str, Any]:
        return {"id": t.pk, "name": t.name, "kind": t.kind}

    member = Team.objects.filter(
        pk__in=Membership.objects.filter(person=person).values("team_id")
    ).order_by("name")
    return {
        "member_of": [row(t) for t in member],
        "leads": [row(t) for t in Team.objects.filter(lead=person).order_by("name")],
    }


def _key_result(kr: KeyResult) -> dict[str, Any]:
    return {
        "id": kr.pk,
        "title": kr.title,
        "kind": kr.kind,
        "unit": kr.unit,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "current_value": kr.current_value,
        "done": kr.done,
        "progress": kr.progress,
        "confidence": kr.confidence,
        "state": kr.state,
        "owner": _name(kr.owner),
    }


def objectives(person: Person, viewer: Viewer) -> dict[str, Any]:
    owned = (
        Objective.objects.filter(owner_person=person)
        .filter(viewer.objective_filter())
        .select_related("cycle")
        .order_by("cycle__start_date", "pk")
    )
    out = []
    for o in owned:
        krs = o.key_results.select_related("owner").order_by("position", "pk")
        out.append(
            {
                "id": o.pk,
                "title": o.title,
                "description": o.description,
                "rationale": o.rationale,
                "level": o.level,
                "cycle": o.cycle.name,
                "state": o.state,
                "visibility": o.visibility,
                "progress": o.progress,
                "key_results": [_key_result(kr) for kr in krs],
            }
        )
    elsewhere = (
        KeyResult.objects.filter(owner=person)
        .exclude(objective__owner_person=person)
        .filter(viewer.objective_filter("objective__"))
        .select_related("owner", "objective")
        .order_by("pk")
    )
    return {
        "objectives": out,
        "key_results_on_others_objectives": [
            {**_key_result(kr), "objective": kr.objective.title} for kr in elsewhere
        ],
    }


def check_ins(person: Person, viewer: Viewer) -> list[dict[str, Any]]:
    rows = (
        CheckIn.objects.filter(author=person)
        .filter(viewer.objective_filter("key_result__objective__"))
        .select_related("key_result")
        .order_by("recorded_at", "pk")
    )
    return [
        {
            "id": c.pk,
            "key_result": c.key_result.title,
            "value": c.value,
            "done": c.done,
            "confidence": c.confidence,
            "note": c.note,
            "recorded_at": _when(c.recorded_at),
        }
        for c in rows
    ]


def _answers(feedback: Feedback) -> list[dict[str, Any]]:
    return [
        {"question": a.question.text, "text": a.text, "rating": a.rating}
        for a in Answer.objects.filter(feedback=feedback).select_related("question")
    ]


def _feedback(fb: Feedback, *, named: bool = True) -> dict[str, Any]:
    return {
        "id": fb.pk,
        "kind": fb.kind,
        "author": _name(fb.author) if named else None,
        "state": fb.state,
        "submitted_at": _when(fb.submitted_at),
        "answers": _answers(fb),
    }


def reviews(person: Person, viewer: Viewer) -> list[dict[str, Any]]:
    out = []
    rows = (
        Review.objects.filter(subject=person)
        .filter(viewer.review_filter())
        .select_related("review_cycle", "subject", "manager")
        .order_by("review_cycle__created_at", "pk")
    )
    for review in rows:
        entry: dict[str, Any] = {
            "id": review.pk,
            "review_cycle": review.review_cycle.name,
            "state": review.state,
            "manager": _name(review.manager),
            "self_submitted_at": _when(review.self_submitted_at),
            "shared_at": _when(review.shared_at),
            "acknowledged_at": _when(review.acknowledged_at),
            "your_comment": review.employee_comment,
        }
        if viewer.sees_outcome(review):
            entry["rating"] = review.rating
            entry["potential"] = review.potential
            entry["rating_explanation"] = review.rating_explanation
            entry["okr_attainment"] = review.attainment
            entry["one_on_one_notes"] = [
                {"held_at": _when(n.held_at), "text": n.text}
                for n in OneOnOneNote.objects.filter(review=review)
            ]
        feedback = (
            Feedback.objects.filter(review=review)
            .filter(viewer.feedback_filter())
            .exclude(~Q(author=person) & Q(anonymous=True))
            .select_related("author")
            .order_by("kind", "pk")
        )
        entry["feedback"] = [_feedback(fb) for fb in feedback]
        out.append(entry)
    return out


def feedback_written(person: Person) -> list[dict[str, Any]]:
    rows = (
        Feedback.objects.filter(author=person)
        .exclude(review__subject=person)
        .select_related("review__subject", "review__review_cycle", "author")
        .order_by("pk")
    )
    return [
        {
            **_feedback(fb),
            "about": _name(fb.review.subject),
            "review_cycle": fb.review.review_cycle.name,
            "anonymous": fb.anonymous,
        }
        for fb in rows
    ]


def comments(person: Person) -> list[dict[str, Any]]:
    rows = (
        Comment.objects.filter(author=person, deleted_at__isnull=True)
        .select_related("objective")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": c.pk,
            "objective": c.objective.title,
            "key_result_id": c.key_result_id,
            "check_in_id": c.check_in_id,
            "body": c.body,
            "created_at": _when(c.created_at),
            "edited_at": _when(c.edited_at),
        }
        for c in rows
    ]


def recognition(person: Person, viewer: Viewer) -> dict[str, Any]:
    def kudos(rows: Iterable[Kudos]) -> list[dict[str, Any]]:
        return [
            {
                "from": _name(k.author),
                "to": _name(k.recipient),
                "message": k.message,
                "created_at": _when(k.created_at),
            }
            for k in rows
        ]

    base = Kudos.objects.select_related("author", "recipient").order_by("created_at", "pk")
    nominations = (
        SpotBonusNomination.objects.filter(nominator=person)
        .filter(viewer.spot_bonus_filter())
        .select_related("nominee")
        .order_by("created_at", "pk")
    )
    return {
        "kudos_given": kudos(base.filter(author=person)),
        "kudos_received": kudos(base.filter(recipient=person)),
        "spot_bonuses_nominated": [
            {
                "nominee": _name(n.nominee),
                "reason": n.reason,
                "state": n.state,
                "created_at": _when(n.created_at),
            }
            for n in nominations
        ],
    }


def one_on_ones(person: Person, viewer: Viewer) -> list[dict[str, Any]]:
    out = []
    series = (
        Series.objects.filter(viewer.series_filter())
        .select_related("manager", "report")
        .order_by("created_at", "pk")
    )
    for s in series:
        meetings = Meeting.objects.filter(series=s).filter(viewer.meeting_filter())
        rows = []
        for m in meetings.order_by("starts_at", "pk"):
            own_note = PrivateNote.objects.filter(meeting=m, author=person).first()
            rows.append(
                {
                    "starts_at": _when(m.starts_at),
                    "state": m.state,
                    "shared_notes": m.shared_notes,
                    "agenda": [
                        {"text": a.text, "added_by": _name(a.added_by), "done": a.done}
                        for a in AgendaItem.objects.filter(meeting=m).select_related("added_by")
                    ],
                    "action_items": [
                        {
                            "text": a.text,
                            "owner": _name(a.owner),
                            "due": _when(a.due),
                            "done_at": _when(a.done_at),
                        }
                        for a in ActionItem.objects.filter(meeting=m).select_related("owner")
                    ],
                    "your_private_note": own_note.text if own_note else "",
                }
            )
        out.append(
            {
                "manager": _name(s.manager),
                "report": _name(s.report),
                "cadence": s.cadence,
                "ended_at": _when(s.ended_at),
                "meetings": rows,
            }
        )
    return out


def notifications(person: Person) -> dict[str, Any]:
    return {
        "sent": [
            {
                "kind": n.kind,
                "channel": n.channel,
                "subject": n.subject,
                "body": n.body,
                "state": n.state,
                "created_at": _when(n.created_at),
                "sent_at": _when(n.sent_at),
            }
            for n in Notification.objects.filter(recipient=person).order_by("created_at", "pk")
        ],
        "inbox": [
            {
                "kind": i.kind,
                "subject": i.subject,
                "body": i.body,
                "created_at": _when(i.created_at),
                "read_at": _when(i.read_at),
            }
            for i in InboxItem.objects.filter(recipient=person).order_by("created_at", "pk")
        ],
    }


def readme(person: Person) -> str:
    lines = [
        f"Personal data held by Line of Sight about {person.name} ({person.username})",
        f"Prepared on {timezone.localdate().isoformat()}.",
        "",
        "Each file is JSON (UTF-8). Dates and times are ISO 8601.",
        "",
    ]
    lines += [f"{name:<22} {what}" for name, what in FILES]
    lines += [
        "",
        "Reviews hold what you may read of them in Line of Sight: your self review always;",
        "the manager review, the rating and named feedback once the review was shared with",
        "you. Anonymous feedback is never given one answer at a time, and notes written for",
        "calibration are not yours to read, so neither is here.",
        "",
    ]
    return "\n".join(lines)


def contents(person: Person) -> dict[str, Any]:
    """Every file of the export, by name (the README as text, the rest as data)."""
    viewer = viewer_as(person)
    return {
        "profile.json": profile(person),
        "teams.json": teams(person),
        "objectives.json": objectives(person, viewer),
        "check_ins.json": check_ins(person, viewer),
        "reviews.json": reviews(person, viewer),
        "feedback_written.json": feedback_written(person),
        "comments.json": comments(person),
        "recognition.json": recognition(person, viewer),
        "one_on_ones.json": one_on_ones(person, viewer),
        "notifications.json": notifications(person),
        "README.txt": readme(person),
    }


def zip_bytes(person: Person) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, value in contents(person).items():
            text = (
                value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
            )
            archive.writestr(name, text)
    return buffer.getvalue()


def filename(person: Person) -> str:
    return f"personal-data-{person.username}-{timezone.localdate().isoformat()}.zip"
