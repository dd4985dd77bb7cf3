"""Applying an org-chart import: the same result and audit as the named actions, all or
nothing, refused when stale, kept in the search index, and round trips with the export."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from lineofsight.core.errors import NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.people import actions, orgchart_apply
from lineofsight.people.models import Membership, Person, Team
from lineofsight.search import build as search_build
from lineofsight.search.selectors import search

HEADER = "email,name,manager_email,team_path,title,hr,start_date,active"

# Ava moves to Eli, Dev is renamed and made HR, Pia leaves Sales for Legal, Nia and Noor are
# new (Noor under Nia, in a new team), Otto is deactivated by the file.
CHANGES = [
    "cora@acme.test,Cora Chen,,Acme,Chief Executive,no,,yes",
    "ava@acme.test,Ava Adams,eli@acme.test,Sales / Enterprise Sales,Account Executive,no,,yes",
    "dev@acme.test,Devika Diaz,eli@acme.test,Engineering / Platform,Staff Engineer,yes,2020-05-04,",
    "pia@acme.test,Pia Park,sam@acme.test,Legal,Account Executive,no,,yes",
    "nia@acme.test,Nia Quokka,eli@acme.test,Engineering / Platform / Storage,Engineer,no,"
    "2025-02-03,",
    "noor@acme.test,Noor Nadir,nia@acme.test,Engineering / Platform / Storage,,no,,",
    "otto@acme.test,Otto Olsen,cora@acme.test,Legal,Counsel,no,,no",
]


def csv_of(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def state() -> dict[str, Any]:
    """The organisation and its audit trail, named rather than numbered (ids differ)."""
    names = dict(Person.objects.values_list("id", "username"))
    team_names = dict(Team.objects.values_list("id", "name"))

    def who(pk: Any) -> Any:
        return names.get(pk, pk)

    people = {
        p.username: (
            p.display_name,
            p.email,
            p.job_title,
            p.is_hr_admin,
            p.is_staff,
            p.is_active,
            who(p.manager_id),
            "/".join(who(int(x)) for x in p.manager_path.strip("/").split("/") if x),
            p.date_joined.date() if p.date_joined.date() < dt.date(2026, 1, 1) else "today",
        )
        for p in Person.objects.all()
    }
    teams = {
        t.name: (
            t.kind,
            t.slug,
            team_names.get(t.parent_id),
            "/".join(team_names[int(x)] for x in t.path.strip("/").split("/") if x),
        )
        for t in Team.objects.all()
    }
    members = sorted(Membership.objects.values_list("person__username", "team__name"))
    entries = Counter()
    for event in AuditEvent.objects.all():
        subject = (
            names.get(event.subject_id)
            if event.subject_type == "people.person"
            else team_names.get(event.subject_id)
        )
        data = {
            key: who(value) if key in {"manager", "from", "to", "person", "lead"} else value
            for key, value in event.data.items()
        }
        entries[(event.action, subject, repr(sorted(data.items())))] += 1
    return {"people": people, "teams": teams, "members": members, "audit": entries}


def apply_with_actions(plan: Any, acting_user: Person) -> None:
    """The same plan, one named action at a time (the reference the bulk writes must match)."""
    org = orgchart_apply.load_org()
    company = org.company()
    assert company is not None
    team_ids: dict[Any, int] = {(): company.id}
    for path, parent_ref in plan.new_teams:
        parent = Team.objects.get(
            pk=parent_ref if isinstance(parent_ref, int) else team_ids[parent_ref]
        )
        kind = "department" if parent.pk == company.id else "team"
        team_ids[path] = actions.create_team(
            acting_user=acting_user, name=path[-1], kind=kind, parent=parent
        ).pk
    ids = {p.email: p.id for p in org.people if p.email}
    pending = list(plan.creates)
    while pending:
        for row in list(pending):
            ref = plan.managers.get(row.email)
            if isinstance(ref, str) and ref not in ids:
                continue
            manager = (
                Person.objects.get(pk=ids[ref] if isinstance(ref, str) else ref) if ref else None
            )
            person = actions.create_person(
                acting_user=acting_user,
                username=row.email,
                display_name=row.name,
                email=row.email,
                job_title=row.title,
                manager=manager,
                is_hr_admin=bool(row.hr),
                start_date=row.start_date,
            )
            if row.active is False:
                actions.update_person(acting_user=acting_user, person=person, is_active=False)
            ids[row.email] = person.pk
            pending.remove(row)
    for ref, manager_ref in plan.managers.items():
        if isinstance(ref, int):
            manager = None
            if manager_ref is not None:
                manager = Person.objects.get(
                    pk=ids[manager_ref] if isinstance(manager_ref, str) else manager_ref
                )
            actions.set_manager(
                acting_user=acting_user, person=Person.objects.get(pk=ref), manager=manager
            )
    for pk, changes in plan.updates.items():
        kwargs = {k: v for k, v in changes.items() if k != "is_staff"}
        actions.update_person(acting_user=acting_user, person=Person.objects.get(pk=pk), **kwargs)
    for ref, team_ref in plan.joins:
        actions.add_member(
            acting_user=acting_user,
            team=Team.objects.get(pk=team_ref if isinstance(team_ref, int) else team_ids[team_ref]),
            person=Person.objects.get(pk=ref if isinstance(ref, int) else ids[ref]),
        )
    for pk, team_pk in plan.leaves:
        actions.remove_member(
            acting_user=acting_user,
            team=Team.objects.get(pk=team_pk),
            person=Person.objects.get(pk=pk),
        )
    for pk in plan.deactivations:
        actions.update_person(
            acting_user=acting_user, person=Person.objects.get(pk=pk), is_active=False
        )


class Undo(Exception):
    pass


def test_bulk_import_writes_exactly_what_the_actions_would(cast):
    data = csv_of(*CHANGES)
    plan = orgchart_apply.dry_run(acting_user=cast.hana, data=data, deactivate_missing=True)
    assert plan.ok, plan.problems
    with pytest.raises(Undo), transaction.atomic():
        apply_with_actions(plan, cast.hana)
        by_actions = state()
        raise Undo
    orgchart_apply.apply_import(
        acting_user=cast.hana, data=data, deactivate_missing=True, expected_digest=plan.digest
    )
    by_import = state()
    assert by_import["people"] == by_actions["people"]
    assert by_import["teams"] == by_actions["teams"]
    assert by_import["members"] == by_actions["members"]
    assert by_import["audit"] == by_actions["audit"]
    # Spot checks of what the plan said.
    assert by_import["people"]["noor@acme.test"][6:8] == ("nia@acme.test", "cora/eli/nia@acme.test")
    assert by_import["people"]["sam"][5] is False  # not in the file: deactivated
    assert by_import["people"]["hana"][5] is True  # the importer stays active
    assert by_import["teams"]["Storage"] == (
        "team",
        "storage",
        "Platform",
        "Acme/Engineering/Platform",
    )


def test_the_search_index_follows_the_import(cast):
    actions.create_team(acting_user=cast.hana, name="Storage", parent=cast.legal)  # slug taken
    orgchart_apply.apply_import(acting_user=cast.hana, data=csv_of(*CHANGES))
    assert Team.objects.get(parent=cast.platform).slug == "storage-2"
    found = search(cast.ava, "quokka")
    assert [r.title for group in found.groups for r in group.results] == ["Nia Quokka"]
    assert search_build.verify().ok


def test_a_file_with_any_error_changes_nothing(cast):
    before = state()
    bad = [*CHANGES, "zed@acme.test,Zed,ghost@acme.test,,,,,"]
    with pytest.raises(orgchart_apply.ImportRefused) as refused:
        orgchart_apply.apply_import(acting_user=cast.hana, data=csv_of(*bad))
    assert refused.value.errors == {
        "Row 9, manager_email": [
            "nobody in the file or the organisation has the email ghost@acme.test."
        ]
    }
    assert state() == before


def test_every_problem_is_reported_at_once_without_false_alarms(cast):
    # Row 3 has a bad date, but Row 2 may still name its person as manager.
    data = csv_of(
        "kim@acme.test,Kim,lee@acme.test,,,,,",
        "lee@acme.test,Lee,,,,,someday,",
        "max@acme.test,Max,ghost@acme.test,,,,,",
    )
    plan = orgchart_apply.dry_run(acting_user=cast.hana, data=data)
    assert [str(p) for p in plan.problems] == [
        "Row 3, start_date: 'someday' is not a date; use YYYY-MM-DD.",
        "Row 4, manager_email: nobody in the file or the organisation has the email "
        "ghost@acme.test.",
    ]


def test_a_failure_while_writing_rolls_everything_back(cast, monkeypatch):
    before = state()

    def broken(entries: Any, *, actor: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(orgchart_apply.audit, "record_many", broken)
    with pytest.raises(RuntimeError):
        orgchart_apply.apply_import(acting_user=cast.hana, data=csv_of(*CHANGES))
    assert state() == before


def test_a_stale_plan_is_refused(cast):
    data = csv_of("dev@acme.test,Dev Diaz,eli@acme.test,Engineering / Platform,Engineer,no,,yes")
    plan = orgchart_apply.dry_run(acting_user=cast.hana, data=data)
    assert plan.steps == []
    actions.update_person(acting_user=cast.hana, person=cast.dev, job_title="Principal")
    with pytest.raises(orgchart_apply.StalePlan, match="changed since the dry-run"):
        orgchart_apply.apply_import(acting_user=cast.hana, data=data, expected_digest=plan.digest)
    assert Person.objects.get(pk=cast.dev.pk).job_title == "Principal"


def test_only_hr_imports_and_exports(cast):
    for who in (cast.ava, cast.sam, cast.cora):
        with pytest.raises(NotAllowed):
            orgchart_apply.dry_run(acting_user=who, data=csv_of(*CHANGES))
        with pytest.raises(NotAllowed):
            orgchart_apply.apply_import(acting_user=who, data=csv_of(*CHANGES))
        with pytest.raises(NotAllowed):
            orgchart_apply.export(acting_user=who)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(cast, fmt):
    actions.update_person(acting_user=cast.hana, person=cast.otto, is_active=False)
    actions.update_person(acting_user=cast.hana, person=cast.dev, job_title="=SUM(A1)")
    data = orgchart_apply.export(acting_user=cast.hana, fmt=fmt)
    plan = orgchart_apply.dry_run(
        acting_user=cast.hana, data=data, filename=f"org.{fmt}", deactivate_missing=True
    )
    assert plan.ok, plan.problems
    assert plan.steps == []


def test_importing_into_an_empty_organisation(db):
    data = csv_of(
        "ceo@new.test,Ann Chief,,,Chief Executive,no,2020-01-06,yes",
        "cto@new.test,Ben Tech,ceo@new.test,Engineering,CTO,no,,yes",
        "eng@new.test,Cy Code,cto@new.test,Engineering / Platform / Storage,Engineer,no,,yes",
        "hr@new.test,Di People,ceo@new.test,People,HR,yes,,yes",
    )
    orgchart_apply.apply_import(acting_user=None, data=data)
    eng = Person.objects.get(email="eng@new.test")
    assert eng.manager_path == f"/{Person.objects.get(email='ceo@new.test').pk}/{eng.manager_id}/"
    storage = Team.objects.get(name="Storage")
    assert [t.name for t in Team.objects.filter(pk__in=storage.ancestor_ids).order_by("path")] == [
        "My organisation",
        "Engineering",
        "Platform",
    ]
    assert Team.objects.get(parent=None).kind == "company"
    assert Team.objects.get(name="Engineering").kind == "department"
    ceo = Person.objects.get(email="ceo@new.test")
    assert ceo.date_joined.date() == dt.date(2020, 1, 6) and ceo.username == "ceo@new.test"
    assert Person.objects.get(email="hr@new.test").is_hr_admin
    plan = orgchart_apply.dry_run(acting_user=None, data=orgchart_apply.export(acting_user=None))
    assert plan.steps == []


def test_an_import_marks_changed_the_rows_the_actions_would(cast):
    """Incremental reads (``updated_since``) see an import's changes as the actions': the
    people changed, created or deactivated, and the managers whose reports changed."""
    data = csv_of(*CHANGES)
    plan = orgchart_apply.dry_run(acting_user=cast.hana, data=data, deactivate_missing=True)
    assert plan.ok, plan.problems
    start = timezone.now() + dt.timedelta(minutes=5)

    def changed() -> set[str]:
        return set(Person.objects.filter(updated_at__gte=start).values_list("username", flat=True))

    with time_machine.travel(start, tick=True):
        with pytest.raises(Undo), transaction.atomic():
            apply_with_actions(plan, cast.hana)
            by_actions = changed()
            raise Undo
        orgchart_apply.apply_import(
            acting_user=cast.hana, data=data, deactivate_missing=True, expected_digest=plan.digest
        )
    by_import = changed()
    assert by_import == by_actions
    # The people the file changes, creates or deactivates, and Eli and Cora, whose reports
    # change; Pia only changes team, which her row does not show.
    assert by_import == {
        "ava",
        "dev",
        "otto",
        "sam",
        "nia@acme.test",
        "noor@acme.test",
        "eli",
        "cora",
    }
