"""``lineofsight people``: list, add, set-manager, update."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from lineofsight.core.models import AuditEvent
from lineofsight.people.models import Person


def test_list_shows_everyone_with_manager_roles_and_teams(cast, run):
    out = run("people", "list")
    lines = {line.split()[0]: line for line in out.splitlines()[2:] if line.strip()}
    assert set(cast.everyone()) <= set(lines)
    assert "manager" in lines["sam"] and "sam" in lines["ava"]
    assert "hr_admin" in lines["hana"]
    assert "enterprise-sales" in lines["pia"]
    assert out.rstrip().endswith("8 people")


def test_list_filters_by_team_including_the_teams_inside_it(cast, run):
    enterprise = json.loads(run("people", "list", "--team", "enterprise-sales", "--json"))
    assert {p["username"] for p in enterprise} == {"sam", "ava", "pia"}
    sales = json.loads(run("people", "list", "--team", "sales", "--json"))
    assert {p["username"] for p in sales} == {"sam", "ava", "pia"}
    ava = next(p for p in sales if p["username"] == "ava")
    assert ava["manager"] == "sam" and ava["roles"] == ["employee"] and ava["active"] is True


def test_list_hides_inactive_people_unless_all(cast, run):
    run("people", "update", "pia", "--inactive")
    assert "pia" not in {p["username"] for p in json.loads(run("people", "list", "--json"))}
    out = run("people", "list", "--all")
    assert "ACTIVE" in out and any(line.startswith("pia") for line in out.splitlines())


def test_list_with_unknown_team_names_the_argument(cast, run):
    with pytest.raises(CommandError, match="--team: no team has the slug 'nope'"):
        run("people", "list", "--team", "nope")


def test_add_creates_the_person_through_the_action(cast, run):
    out = run(
        "people",
        "add",
        "zara",
        "--name",
        "Zara Zed",
        "--email",
        "zara@acme.test",
        "--manager",
        "sam",
        "--title",
        "Account Executive",
        "--executive",
        "--password",
        "a-long-enough-password",
    )
    assert "Added zara (Zara Zed), reporting to sam." in out
    zara = Person.objects.get(username="zara")
    assert zara.manager == cast.sam
    assert zara.manager_path == cast.sam.subtree_prefix
    assert zara.job_title == "Account Executive" and zara.is_executive and not zara.is_hr_admin
    assert zara.check_password("a-long-enough-password")
    event = AuditEvent.objects.get(action="person.create", subject_id=zara.pk)
    assert event.actor is None


def test_add_hr_admin_without_password(cast, run):
    run(
        "people", "add", "hal", "--name", "Hal", "--email", "hal@acme.test", "--hr", "--no-password"
    )
    hal = Person.objects.get(username="hal")
    assert hal.is_hr_admin and hal.is_staff and not hal.has_usable_password()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ava", "--name", "Another Ava", "--email", "a@acme.test"], "USERNAME: Someone already"),
        (["new", "--name", "New", "--email", "not-an-email"], "--email: 'not-an-email'"),
        (["new", "--name", "   ", "--email", "n@acme.test"], "--name: Enter the person's name"),
        (["new", "--name", "New", "--email", "n@acme.test", "--manager", "ghost"], "--manager"),
        (["new", "--name", "New", "--email", "n@acme.test", "--password", "short"], "--password"),
        (["bad name!", "--name", "New", "--email", "n@acme.test"], "USERNAME: Use 1-150"),
        (["new", "--email", "n@acme.test", "--no-password"], "--name"),
        (["new", "--name", "New", "--no-password"], "--email"),
    ],
)
def test_add_refuses_bad_arguments_and_changes_nothing(cast, run, unchanged, args, message):
    if "--password" not in args and "--no-password" not in args:
        args = [*args, "--no-password"]
    with unchanged(), pytest.raises(CommandError, match=message):
        run("people", "add", *args)


def test_add_without_a_terminal_asks_for_password_or_no_password(cast, run, unchanged):
    with unchanged(), pytest.raises(CommandError, match="--password: no terminal"):
        run("people", "add", "new", "--name", "New", "--email", "n@acme.test")


def test_set_manager_and_none(cast, run):
    assert "dev now reports to sam." in run("people", "set-manager", "dev", "sam")
    dev = Person.objects.get(username="dev")
    assert dev.manager == cast.sam and dev.manager_path == cast.sam.subtree_prefix
    assert "dev now reports to nobody." in run("people", "set-manager", "dev", "--none")
    dev.refresh_from_db()
    assert dev.manager is None and dev.manager_path == "/"


def test_set_manager_re_paths_everyone_below(cast, run):
    run("people", "set-manager", "sam", "eli")
    ava = Person.objects.get(username="ava")
    assert ava.chain_ids == [cast.sam.pk, cast.eli.pk, cast.cora.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sam", "ava"], "MANAGER: Ava Adams reports .* loop"),
        (["sam", "sam"], "MANAGER: A person cannot be their own manager"),
        (["ghost", "sam"], "USERNAME: nobody has the username 'ghost'"),
        (["sam", "ghost"], "MANAGER: nobody has the username 'ghost'"),
        (["sam"], "MANAGER|--none"),
        (["sam", "ava", "--none"], "not allowed with"),
    ],
)
def test_set_manager_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("people", "set-manager", *args)


def test_update_changes_only_what_is_given(cast, run):
    run("people", "update", "ava", "--title", "Senior Account Executive", "--hr", "--executive")
    ava = Person.objects.get(username="ava")
    assert ava.job_title == "Senior Account Executive"
    assert ava.is_hr_admin and ava.is_executive and ava.display_name == "Ava Adams"
    run("people", "update", "ava", "--no-hr", "--name", "Ava Adams-Smith", "--email", "aa@x.test")
    ava.refresh_from_db()
    assert not ava.is_hr_admin and ava.is_executive
    assert (ava.display_name, ava.email) == ("Ava Adams-Smith", "aa@x.test")
    run("people", "update", "ava", "--inactive")
    ava.refresh_from_db()
    assert not ava.is_active
    run("people", "update", "ava", "--active")
    ava.refresh_from_db()
    assert ava.is_active


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ava"], "Nothing to change"),
        (["ava", "--email", "nope"], "--email: 'nope' is not an email address"),
        (["ava", "--name", " "], "--name: Enter the person's name"),
        (["ghost", "--title", "X"], "USERNAME: nobody has the username 'ghost'"),
        (["ava", "--active", "--inactive"], "not allowed with"),
    ],
)
def test_update_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("people", "update", *args)


def test_unknown_subcommand_is_refused(cast, run):
    with pytest.raises(CommandError, match="invalid choice: 'fire'"):
        run("people", "fire", "ava")


def test_delete_refuses_someone_the_history_refers_to(cast, run):
    with pytest.raises(CommandError) as refused:
        run("people", "delete", "sam")
    message = str(refused.value)
    assert message.startswith("USERNAME: Sam Sato cannot be deleted")
    assert "teams" in message and "Deactivate them instead" in message
    assert Person.objects.filter(username="sam").exists()


def test_delete_removes_someone_added_by_mistake(cast, run):
    run("people", "add", "typo", "--name", "Typo", "--email", "t@acme.test", "--no-password")
    assert run("people", "delete", "typo") == "Deleted typo (Typo).\n"
    assert not Person.objects.filter(username="typo").exists()
    assert AuditEvent.objects.filter(action="person.delete", actor=None).exists()


def test_send_reset_link_emails_the_person(cast, run, mailoutbox):
    out = run("people", "send-reset-link", "ava")
    assert out == "Sent ava a link to choose a password (ava@acme.test).\n"
    assert [m.to for m in mailoutbox] == [["ava@acme.test"]]
    assert "/password-reset/" in mailoutbox[0].body
