"""``lineofsight person export`` and ``lineofsight person erase``."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.core.management.base import CommandError

from lineofsight.core.models import AuditEvent
from lineofsight.people import actions as people
from lineofsight.people.models import Person


def test_export_writes_a_zip_and_is_audited(cast, run, tmp_path):
    target = tmp_path / "ava.zip"
    out = run("person", "export", "ava", "-o", str(target))
    assert "Wrote everything about Ava Adams (ava)" in out
    with zipfile.ZipFile(target) as archive:
        assert "README.txt" in archive.namelist()
        assert json.loads(archive.read("profile.json"))["email"] == "ava@acme.test"
    event = AuditEvent.objects.get(action="person.export")
    assert (event.actor, event.subject_id) == (None, cast.ava.pk)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "-o", "{dir}/x.zip"), "USERNAME: nobody has the username 'nobody'."),
        (("ava", "-o", "{dir}/x.txt"), "--output: '{dir}/x.txt' should end in .zip."),
        (("ava", "-o", "{dir}/missing/x.zip"), "--output: the folder '{dir}/missing' does not"),
        (("ava", "-o", "{dir}/there.zip"), "--output: '{dir}/there.zip' exists already"),
    ],
)
def test_export_refuses_bad_arguments_and_writes_nothing(cast, run, tmp_path, args, message):
    (tmp_path / "there.zip").write_bytes(b"mine")
    with pytest.raises(CommandError) as refused:
        run("person", "export", *[a.format(dir=tmp_path) for a in args])
    assert str(refused.value).startswith(message.format(dir=tmp_path))
    assert (tmp_path / "there.zip").read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["there.zip"]
    assert not AuditEvent.objects.filter(action="person.export").exists()


def test_erase_explains_first_and_erases_with_confirm(cast, run):
    with pytest.raises(CommandError, match="USERNAME: Otto Olsen is still active"):
        run("person", "erase", "otto", "--confirm")
    people.update_person(acting_user=None, person=cast.otto, is_active=False)
    with pytest.raises(CommandError) as explained:
        run("person", "erase", "otto")
    assert "Erasing Otto Olsen would do this:" in str(explained.value)
    assert "Nothing was changed. Run again with --confirm" in str(explained.value)
    assert Person.objects.get(pk=cast.otto.pk).username == "otto"
    out = run("person", "erase", "otto", "--confirm")
    assert out.strip() == f"Erased otto: the person is now Former employee #{cast.otto.pk}."
    otto = Person.objects.get(pk=cast.otto.pk)
    assert (otto.username, otto.email) == (f"former-{otto.pk}", "")
    assert AuditEvent.objects.get(action="person.erase").actor is None


def test_erase_refuses_a_manager_of_active_people(cast, run):
    people.update_person(acting_user=None, person=cast.sam, is_active=False)
    with pytest.raises(CommandError, match=r"still manages active people \(Ava Adams, Pia Park\)"):
        run("person", "erase", "sam", "--confirm")
