"""Personal data requests on the privacy world (``tests/privacy_world.py``), where every
private text carries a marker: what an export holds and leaves out, what erasing a person
changes and keeps, and that the audit log never shows the words people wrote.

The world is built once for the module inside a transaction rolled back at its end; each
test runs in a savepoint of its own, rolled back too."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import ApiToken, AuditEvent
from lineofsight.discussion.models import Comment
from lineofsight.goals import rollup
from lineofsight.goals.models import KeyResult, Objective
from lineofsight.integrations.models import Notification
from lineofsight.people import actions as people
from lineofsight.people.models import Person
from lineofsight.people.selectors import forget_organisation_cache
from lineofsight.privacy import actions
from lineofsight.reviews.models import Answer

from ..conftest import PASSWORD
from ..privacy_world import MARKERS, World, build_world

pytestmark = pytest.mark.django_db

# Markers of words written for a few readers (reviews, feedback, calibration, recognition,
# comments, one-on-ones, check-in notes): never in the audit log. Titles and descriptions of
# OKRs are not among them (HR reads every OKR, and an objective's title names it), nor is a
# data source's header name (a setting HR reads on the source's page; its secret value is
# never kept in the log, which the privacy crawl checks).
NOT_WORDS = ("_title", "_desc", "_kr", "_initiative", "ren_webhook", "src_header")
WRITTEN_WORDS = {n: m for n, m in MARKERS.items() if not n.endswith(NOT_WORDS)}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        forget_organisation_cache()
        try:
            with transaction.atomic():
                yield build_world()
                transaction.set_rollback(True)
        finally:
            forget_organisation_cache()


@pytest.fixture
def w(world: World, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        forget_organisation_cache()
        yield world
        transaction.set_rollback(True)
    forget_organisation_cache()


def _unzip(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode()
            if name.endswith(".txt")
            else json.loads(archive.read(name))
            for name in archive.namelist()
        }


def _text(files: dict[str, Any]) -> str:
    return json.dumps(files, ensure_ascii=False)


def _hr(w: World) -> Client:
    client = Client()
    client.force_login(w.cast.hana)
    return client


def _streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


# -- exports ---------------------------------------------------------------------------------


def test_an_export_holds_what_the_person_may_read_and_nothing_more(w: World) -> None:
    files = _unzip(actions.export_person(acting_user=w.cast.hana, person=w.cast.ava))
    assert set(files) == {
        "profile.json",
        "teams.json",
        "objectives.json",
        "check_ins.json",
        "reviews.json",
        "feedback_written.json",
        "comments.json",
        "recognition.json",
        "one_on_ones.json",
        "notifications.json",
        "README.txt",
    }
    assert files["profile.json"]["email"] == "ava@acme.test"
    assert "Enterprise Sales" in [t["name"] for t in files["teams.json"]["member_of"]]
    text = _text(files)
    present = [
        "ava_priv_title",
        "ava_priv_kr",
        "ava_priv_note",  # her OKRs and check-ins
        "ava_self",
        "ava_mgr",
        "ava_rating_expl",
        "ava_peer_pia",
        "ava_ack",  # shared review
        "ava_priv_comment",
        "kudos_pub",
        "kudos_priv",  # comments, recognition
        "oo_agenda_sam",
        "oo_agenda_ava",
        "oo_notes",
        "oo_private_ava",  # her one-on-one
        "sam_upward_ava",  # feedback she wrote (anonymous to others, hers to read)
    ]
    absent = [
        "ava_peer_tess_draft",  # a peer's draft
        "anon_ava_by_pia",
        "anon_ava_by_dev",
        "anon_ava_by_otto",  # anonymous, one by one
        "tess_flag_expl",
        "sam_move_reason",  # calibration
        "oo_private_sam",  # Sam's private note on their one-on-one
        "nom_ava_reason",
        "nom_ava_note",  # a nomination of her: never hers to see
        "pia_mgr_draft",
        "sam_mgr",
        "hana_mgr",  # other people's reviews
    ]
    assert [n for n in present if MARKERS[n] not in text] == []
    assert [n for n in absent if MARKERS[n] in text] == []
    assert "README" not in files["README.txt"] and "reviews.json" in files["README.txt"]


def test_a_managers_unshared_draft_never_reaches_the_export(w: World) -> None:
    files = _unzip(actions.export_person(acting_user=None, person=w.cast.pia))
    text = _text(files)
    assert MARKERS["pia_self"] in text  # her own self review, not shared yet
    for name in ("pia_mgr_draft", "pia_rating_expl_draft", "pia_peer_dev_draft"):
        assert MARKERS[name] not in text, name
    (review,) = [r for r in files["reviews.json"] if r["review_cycle"] == "Q3 2026 reviews"]
    assert "rating" not in review and [f["kind"] for f in review["feedback"]] == ["self"]


def test_someone_who_left_gets_what_they_could_see_on_their_last_day(w: World) -> None:
    before = _text(_unzip(actions.export_person(acting_user=None, person=w.cast.ava)))
    people.update_person(acting_user=w.cast.hana, person=w.cast.ava, is_active=False)
    ava = Person.objects.get(pk=w.cast.ava.pk)
    after = _text(_unzip(actions.export_person(acting_user=None, person=ava)))
    assert after.replace('"is_active": false', '"is_active": true') == before


def test_exports_are_audited_without_their_content_and_are_for_hr(w: World) -> None:
    actions.export_person(acting_user=w.cast.hana, person=w.cast.ava)
    event = AuditEvent.objects.filter(action="person.export").latest("pk")
    assert (event.actor, event.subject_id, event.data) == (w.cast.hana, w.cast.ava.pk, {})
    for who in (w.cast.ava, w.cast.sam, w.cast.cora):
        with pytest.raises(NotAllowed):
            actions.export_person(acting_user=who, person=w.cast.ava)


# -- erasure ---------------------------------------------------------------------------------


def _leave(w: World, person: Person) -> Person:
    people.update_person(acting_user=w.cast.hana, person=person, is_active=False)
    return Person.objects.get(pk=person.pk)


def test_erasing_is_refused_while_active_or_managing_and_without_the_name(w: World) -> None:
    snapshot = list(Person.objects.order_by("pk").values())
    with pytest.raises(InvalidInput) as active:
        actions.erase_person(acting_user=w.cast.hana, person=w.cast.pia, confirm_name="Pia Park")
    assert "still active" in active.value.errors["person"][0]
    sam = _leave(w, w.cast.sam)
    with pytest.raises(InvalidInput) as managing:
        actions.erase_person(acting_user=w.cast.hana, person=sam, confirm_name="Sam Sato")
    assert "still manages active people (Ava Adams" in managing.value.errors["person"][0]
    pia = _leave(w, w.cast.pia)
    with pytest.raises(InvalidInput) as typed:
        actions.erase_person(acting_user=w.cast.hana, person=pia, confirm_name="Pia")
    assert list(typed.value.errors) == ["confirm_name"]
    with pytest.raises(NotAllowed):
        actions.erase_person(acting_user=w.cast.sam, person=pia, confirm_name="Pia Park")
    changed = {p["id"] for p in Person.objects.order_by("pk").values()} - set()
    assert changed and Person.objects.get(pk=pia.pk).display_name == "Pia Park"
    assert len(snapshot) == Person.objects.count()


def test_erasing_keeps_every_figure_and_everyone_elses_history(w: World) -> None:
    pia = _leave(w, w.cast.pia)
    progress = dict(Objective.objects.values_list("pk", "progress"))
    kr_progress = dict(KeyResult.objects.values_list("pk", "progress"))
    owned = sorted(Objective.objects.filter(owner_person=pia).values_list("pk", flat=True))
    others_answers = dict(Answer.objects.exclude(feedback__author=pia).values_list("pk", "text"))
    assert rollup.verify()[0] == []
    actions.erase_person(acting_user=w.cast.hana, person=pia, confirm_name="  pia park ")
    assert rollup.verify()[0] == []
    assert dict(Objective.objects.values_list("pk", "progress")) == progress
    assert dict(KeyResult.objects.values_list("pk", "progress")) == kr_progress
    assert sorted(Objective.objects.filter(owner_person=pia).values_list("pk", flat=True)) == owned
    assert dict(Answer.objects.exclude(feedback__author=pia).values_list("pk", "text")) == (
        others_answers
    )


def test_an_erased_person_is_anonymous_and_cannot_sign_in(w: World) -> None:
    pia = _leave(w, w.cast.pia)
    session = Client()
    session.force_login(pia)
    token = w.tokens["pia"]
    assert Notification.objects.filter(recipient=pia).exists()
    erased = actions.erase_person(acting_user=w.cast.hana, person=pia, confirm_name="Pia Park")
    assert erased.name == f"Former employee #{pia.pk}"
    assert (erased.username, erased.email, erased.first_name, erased.job_title) == (
        f"former-{pia.pk}",
        "",
        "",
        "",
    )
    assert not erased.has_usable_password() and not erased.is_active
    for username in ("pia", erased.username):
        refused = Client().post("/login/", {"username": username, "password": PASSWORD})
        assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session
    assert session.get("/").status_code == 302  # the open session ended
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/me").status_code == 401
    assert not ApiToken.objects.filter(person=pia, revoked_at__isnull=True).exists()
    assert not Notification.objects.filter(recipient=pia).exists()
    # What she wrote for others now carries the marker; what she wrote is gone.
    assert set(Comment.objects.filter(author=pia).values_list("body", flat=True)) <= {
        actions.MARKER,
        "",
    }
    assert not Answer.objects.filter(text__contains=MARKERS["ava_peer_pia"]).exists()
    assert Answer.objects.filter(text__contains=MARKERS["ava_mgr"]).exists()  # Sam's stays
    event = AuditEvent.objects.get(action="person.erase")
    assert (event.actor, event.subject_id) == (w.cast.hana, pia.pk)
    with pytest.raises(InvalidInput):
        actions.erase_person(acting_user=w.cast.hana, person=erased, confirm_name=erased.name)


def test_the_erased_name_appears_nowhere(w: World) -> None:
    pia = _leave(w, w.cast.pia)
    hana = _hr(w)
    assert "Pia Park" in hana.get("/audit/export.json").getvalue().decode()
    pia = actions.erase_person(acting_user=w.cast.hana, person=pia, confirm_name="Pia Park")
    owned = Objective.objects.filter(owner_person=pia).order_by("pk")[0]
    new = f"Former employee #{pia.pk}"
    surfaces = {
        "person page": hana.get(f"/people/{pia.pk}/").content.decode(),  # 404: has left
        "objective page": hana.get(f"/objectives/{owned.pk}/").content.decode(),
        "api person": hana.get(f"/api/people/{pia.pk}").content.decode(),  # 404: has left
        "api objective": hana.get(f"/api/objectives/{owned.pk}").content.decode(),
        "search page": hana.get("/search/", {"q": "Pia"}).content.decode(),
        "api search": hana.get("/api/search", {"q": "Pia"}).content.decode(),
        "audit page": hana.get(
            "/audit/", {"subject_type": "people.person", "subject_id": pia.pk}
        ).content.decode(),
        "audit csv": _streamed(hana.get("/audit/export.csv")),
        "audit json": _streamed(hana.get("/audit/export.json")),
        "api audit": hana.get("/api/audit", {"limit": 500}).content.decode(),
        "ava's export": _text(_unzip(actions.export_person(acting_user=None, person=w.cast.ava))),
        "pia's export": _text(_unzip(actions.export_person(acting_user=None, person=pia))),
        "requests page": hana.get("/privacy/requests/").content.decode(),
    }
    leaks = {
        where: text[max(0, text.find("Pia Park") - 300) : text.find("Pia Park") + 100]
        for where, text in surfaces.items()
        if "Pia Park" in text or "pia@acme" in text
    }
    assert leaks == {}
    assert f"{new} (people.person #{pia.pk})" in surfaces["audit page"]
    assert new in surfaces["objective page"] and new in surfaces["api objective"]
    assert new in surfaces["ava's export"]  # her named peer feedback and kudos


# -- the audit log shows no written words ----------------------------------------------------


def test_the_audit_log_never_shows_what_people_wrote(w: World) -> None:
    hana = _hr(w)
    held = "".join(json.dumps(e.data) + e.amendment_reason for e in AuditEvent.objects.all())
    stored = [n for n, m in WRITTEN_WORDS.items() if m in held]
    assert len(stored) >= 5, "the world's audit rows should hold some written words"
    total = AuditEvent.objects.count()
    pages = [hana.get("/audit/", {"page": n}).content.decode() for n in range(1, total // 50 + 2)]
    api = [
        hana.get("/api/audit", {"limit": 500, "offset": n}).content.decode()
        for n in range(0, total, 500)
    ]
    surfaces = {
        "page": "".join(pages),
        "csv": _streamed(hana.get("/audit/export.csv")),
        "json": _streamed(hana.get("/audit/export.json")),
        "api": "".join(api),
        "api export": _streamed(hana.get("/api/audit/export", {"format": "json"})),
    }
    for where, text in surfaces.items():
        shown = [n for n, m in WRITTEN_WORDS.items() if m in text]
        assert shown == [], f"{where} shows {shown}"
