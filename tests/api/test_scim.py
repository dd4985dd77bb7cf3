"""SCIM 2.0 provisioning through HTTP, as Entra ID and Okta call it.

The request sequences follow what each provider sends: Entra ID's provisioning (and
Microsoft's SCIM validator: look up by filter, create, read, patch attributes with capitalised
ops and "False" as a string, set the manager, disable, delete; groups created, members added
and removed) and Okta's (look up by userName, create, read, PUT to update and to deactivate,
group push with ``replace`` of members). Every bad payload answers in the SCIM error schema,
names the attribute and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lineofsight.core import tokens as api_tokens
from lineofsight.core.models import AuditEvent
from lineofsight.goals.models import CheckIn, Objective
from lineofsight.people.models import Membership, Person, SignInSession, Team
from lineofsight.people.scim import tokens

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class Scim:
    def __init__(self, token: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def call(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        response = getattr(self.client, method)(
            f"/scim/v2/{path}", data=data, content_type="application/scim+json"
        )
        response.doc = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str) -> Any:
        return self.call("get", path)


@pytest.fixture
def scim(cast) -> Scim:
    _, raw = tokens.create_scim_token(acting_user=cast.hana, name="Entra ID")
    return Scim(raw)


def snapshot() -> dict[str, Any]:
    """Everything SCIM may change, to show that a refused request changed nothing."""
    return {
        "people": list(
            Person.objects.order_by("pk").values(
                "pk",
                "username",
                "display_name",
                "first_name",
                "last_name",
                "email",
                "job_title",
                "manager_id",
                "manager_path",
                "is_active",
                "external_id",
            )
        ),
        "teams": list(Team.objects.order_by("pk").values("pk", "name", "external_id", "path")),
        "members": sorted(Membership.objects.values_list("team_id", "person_id")),
        "audit": AuditEvent.objects.count(),
    }


def assert_error(response: Any, status: int, attribute: str, scim_type: str | None = None) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    assert response.doc["schemas"] == [ERROR]
    assert response.doc["status"] == status
    assert response.doc["detail"].startswith(f"{attribute}:"), response.doc["detail"]
    if scim_type:
        assert response.doc["scimType"] == scim_type


def entra_user(user_name: str, **extra: Any) -> dict[str, Any]:
    """A user as Entra ID's default attribute mappings create one."""
    return {
        "schemas": [USER, ENTERPRISE],
        "externalId": "6ee8ba9e-1f5a-4c1e-9cf1-0b4d2b1a1c01",
        "userName": user_name,
        "active": True,
        "displayName": "Nora Nakamura",
        "title": "Solutions Engineer",
        "emails": [{"primary": True, "type": "work", "value": user_name}],
        "preferredLanguage": "en-GB",
        "name": {"formatted": "Nora Nakamura", "familyName": "Nakamura", "givenName": "Nora"},
        "phoneNumbers": [{"type": "work", "value": "+44 20 7946 0000"}],
        "addresses": [{"type": "work", "formatted": "1 Main St", "primary": False}],
        ENTERPRISE: {"department": "Sales", "employeeNumber": "1042", **extra},
    }


# -- Entra ID ------------------------------------------------------------------------------


def test_entra_user_sequence(cast, scim):
    # 1. Is she there already? (Entra matches on userName first.)
    found = scim.get('Users?filter=userName eq "nora@acme.test"')
    assert found.status_code == 200
    assert found.doc["totalResults"] == 0 and found.doc["Resources"] == []

    # 2. Create, with her manager's id.
    body = entra_user("nora@acme.test", manager={"value": str(cast.sam.pk)})
    created = scim.call("post", "Users", body)
    assert created.status_code == 201, created.content
    doc = created.doc
    nora = Person.objects.get(username="nora@acme.test")
    assert doc["id"] == str(nora.pk)
    assert created["Location"].endswith(f"/scim/v2/Users/{nora.pk}")
    assert (nora.display_name, nora.first_name, nora.last_name) == (
        "Nora Nakamura",
        "Nora",
        "Nakamura",
    )
    assert nora.email == "nora@acme.test" and nora.job_title == "Solutions Engineer"
    assert nora.manager == cast.sam and nora.external_id.startswith("6ee8ba9e")
    assert Membership.objects.filter(person=nora, team=cast.sales).exists()
    assert doc[ENTERPRISE]["department"] == "Sales"
    assert doc[ENTERPRISE]["manager"]["value"] == str(cast.sam.pk)
    assert not nora.has_usable_password()
    creation = AuditEvent.objects.get(action="person.create", subject_id=nora.pk)
    assert creation.data["via"] == "scim" and creation.actor is None

    # 3. Read back, by id and by filter in another case (userName is case-insensitive).
    read = scim.get(f"Users/{nora.pk}")
    assert read.status_code == 200 and read.doc["userName"] == "nora@acme.test"
    again = scim.get('Users?filter=userName eq "NORA@acme.test"')
    assert again.doc["totalResults"] == 1 and again.doc["Resources"][0]["id"] == str(nora.pk)
    by_external = scim.get(f'Users?filter=externalId eq "{nora.external_id}"')
    assert [r["id"] for r in by_external.doc["Resources"]] == [str(nora.pk)]

    # 4. Patch attributes as Entra sends them: capitalised ops, filtered email path.
    patched = scim.call(
        "patch",
        f"Users/{nora.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "Replace", "path": "displayName", "value": "Nora N. Nakamura"},
                {"op": "Replace", "path": "title", "value": "Principal Engineer"},
                {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "nn@acme.test"},
                {"op": "Replace", "path": "name.familyName", "value": "Nakamura-Lee"},
                {"op": "Add", "path": "externalId", "value": "new-external"},
                {"op": "Replace", "path": 'phoneNumbers[type eq "mobile"].value', "value": "1"},
            ],
        },
    )
    assert patched.status_code == 200, patched.content
    nora.refresh_from_db()
    assert nora.display_name == "Nora N. Nakamura" and nora.job_title == "Principal Engineer"
    assert nora.email == "nn@acme.test" and nora.last_name == "Nakamura-Lee"
    assert nora.external_id == "new-external"
    assert patched.doc["emails"] == [{"value": "nn@acme.test", "type": "work", "primary": True}]

    # 5. Patch the manager (a bare id, as Entra sends it), then the department.
    manager_patch = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(cast.eli.pk)},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "engineering"},
        ],
    }
    assert scim.call("patch", f"Users/{nora.pk}", manager_patch).status_code == 200
    nora.refresh_from_db()
    assert nora.manager == cast.eli
    assert nora.manager_path == f"{cast.eli.subtree_prefix}"
    teams = set(Membership.objects.filter(person=nora).values_list("team__name", flat=True))
    assert teams == {"Engineering"}  # left Sales, the department she had
    assert AuditEvent.objects.filter(
        action="person.set_manager", subject_id=nora.pk, data__via="scim"
    ).exists()

    # 6. Disable: "False" as a string, the way Entra sends it.
    disabled = scim.call(
        "patch",
        f"Users/{nora.pk}",
        {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]},
    )
    assert disabled.status_code == 200 and disabled.doc["active"] is False
    nora.refresh_from_db()
    assert not nora.is_active

    # 7. Delete: deactivated for good, history kept; answered like a delete.
    deleted = scim.call("delete", f"Users/{nora.pk}")
    assert deleted.status_code == 204
    assert Person.objects.filter(pk=nora.pk, is_active=False).exists()
    assert scim.call("delete", f"Users/{nora.pk}").status_code == 204


def test_entra_patch_without_path_and_remove_manager(cast, scim):
    patched = scim.call(
        "patch",
        f"Users/{cast.pia.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {
                    "op": "Replace",
                    "value": {
                        "name.givenName": "Pia-Maria",
                        "title": "Senior Account Executive",
                        f"{ENTERPRISE}:manager": {"value": str(cast.cora.pk)},
                    },
                }
            ],
        },
    )
    assert patched.status_code == 200, patched.content
    cast.pia.refresh_from_db()
    assert cast.pia.first_name == "Pia-Maria" and cast.pia.manager == cast.cora
    removed = scim.call(
        "patch",
        f"Users/{cast.pia.pk}",
        {"schemas": [PATCH], "Operations": [{"op": "Remove", "path": f"{ENTERPRISE}:manager"}]},
    )
    assert removed.status_code == 200 and removed.doc[ENTERPRISE]["manager"] is None
    cast.pia.refresh_from_db()
    assert cast.pia.manager is None and cast.pia.manager_path == "/"


def test_entra_group_sequence(cast, scim):
    assert scim.get('Groups?filter=displayName eq "Solutions"').doc["totalResults"] == 0
    created = scim.call(
        "post",
        "Groups",
        {"schemas": [GROUP], "externalId": "grp-1", "displayName": "Solutions", "members": []},
    )
    assert created.status_code == 201, created.content
    team = Team.objects.get(name="Solutions")
    assert team.parent == cast.acme and team.kind == "team" and team.external_id == "grp-1"
    gid = created.doc["id"]
    found = scim.get('Groups?filter=displayName eq "solutions"&excludedAttributes=members')
    assert found.doc["totalResults"] == 1 and "members" not in found.doc["Resources"][0]

    add = {
        "schemas": [PATCH],
        "Operations": [
            {
                "op": "Add",
                "path": "members",
                "value": [{"value": str(cast.ava.pk)}, {"value": str(cast.dev.pk)}],
            }
        ],
    }
    assert scim.call("patch", f"Groups/{gid}", add).status_code == 200
    assert set(team.members.values_list("username", flat=True)) == {"ava", "dev"}
    remove = {
        "schemas": [PATCH],
        "Operations": [{"op": "Remove", "path": "members", "value": [{"value": str(cast.ava.pk)}]}],
    }
    after = scim.call("patch", f"Groups/{gid}", remove)
    assert after.status_code == 200
    assert [m["value"] for m in after.doc["members"]] == [str(cast.dev.pk)]
    rename = {
        "schemas": [PATCH],
        "Operations": [{"op": "Replace", "path": "displayName", "value": "Solutions Eng"}],
    }
    assert scim.call("patch", f"Groups/{gid}", rename).doc["displayName"] == "Solutions Eng"
    assert (
        AuditEvent.objects.filter(
            action="team.add_member", subject_id=team.pk, data__via="scim"
        ).count()
        == 2
    )
    # A new team with no history may go.
    assert scim.call("delete", f"Groups/{gid}").status_code == 204
    assert not Team.objects.filter(pk=team.pk).exists()
    assert scim.get(f"Groups/{gid}").status_code == 404


# -- Okta ----------------------------------------------------------------------------------


def okta_user(user_name: str, active: bool = True, title: str = "Designer") -> dict[str, Any]:
    return {
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Omar", "familyName": "Okafor"},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": "Omar Okafor",
        "title": title,
        "locale": "en-US",
        "externalId": "00u1okta",
        "groups": [],
        "password": "never-kept-1",
        "active": active,
    }


def test_okta_user_sequence(cast, scim):
    lookup = scim.get('Users?filter=userName eq "omar@acme.test"&startIndex=1&count=100')
    assert lookup.status_code == 200 and lookup.doc["totalResults"] == 0
    created = scim.call("post", "Users", okta_user("omar@acme.test"))
    assert created.status_code == 201, created.content
    uid = created.doc["id"]
    omar = Person.objects.get(pk=uid)
    assert not omar.has_usable_password()  # a password sent over SCIM is never kept
    assert scim.get(f"Users/{uid}").doc["displayName"] == "Omar Okafor"

    updated = scim.call(
        "put", f"Users/{uid}", {**okta_user("omar@acme.test", title="Lead"), "id": uid}
    )
    assert updated.status_code == 200 and updated.doc["title"] == "Lead"

    # Deactivation is a PUT of the whole user with active false.
    session = Client()
    session.force_login(omar)
    _, api_raw = api_tokens.create_token(acting_user=omar, person=omar, name="script")
    assert session.get("/").status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"Bearer {api_raw}").get("/api/me").status_code == 200
    gone = scim.call("put", f"Users/{uid}", okta_user("omar@acme.test", active=False, title="Lead"))
    assert gone.status_code == 200 and gone.doc["active"] is False
    omar.refresh_from_db()
    assert not omar.is_active
    # Access ends at once: the browser session and the API token are refused.
    assert session.get("/").status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Bearer {api_raw}").get("/api/me").status_code == 401
    assert not SignInSession.objects.filter(person=omar, ended_at__isnull=True).exists()
    # And comes back with a PUT of active true.
    back = scim.call("put", f"Users/{uid}", okta_user("omar@acme.test", active=True, title="Lead"))
    assert back.status_code == 200 and Person.objects.get(pk=uid).is_active


def test_okta_patch_active_and_group_push(cast, scim):
    off = scim.call(
        "patch",
        f"Users/{cast.dev.pk}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    assert off.status_code == 200 and off.doc["active"] is False

    pushed = scim.call(
        "post", "Groups", {"schemas": [GROUP], "displayName": "Okta Pushed", "members": []}
    )
    assert pushed.status_code == 201
    gid = pushed.doc["id"]
    replace = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "replace", "value": {"id": gid, "displayName": "Okta Pushed"}},
            {
                "op": "replace",
                "path": "members",
                "value": [
                    {"value": str(cast.ava.pk), "display": "ava"},
                    {"value": str(cast.pia.pk)},
                ],
            },
        ],
    }
    assert scim.call("patch", f"Groups/{gid}", replace).status_code == 200
    team = Team.objects.get(pk=gid)
    assert set(team.members.values_list("username", flat=True)) == {"ava", "pia"}
    removal = {
        "schemas": [PATCH],
        "Operations": [{"op": "remove", "path": f'members[value eq "{cast.pia.pk}"]'}],
    }
    assert scim.call("patch", f"Groups/{gid}", removal).status_code == 200
    assert set(team.members.values_list("username", flat=True)) == {"ava"}
    full = scim.call(
        "put",
        f"Groups/{gid}",
        {"schemas": [GROUP], "displayName": "Okta Team", "members": [{"value": str(cast.otto.pk)}]},
    )
    assert full.status_code == 200
    assert [m["value"] for m in full.doc["members"]] == [str(cast.otto.pk)]


# -- reading: pagination, discovery, privacy -------------------------------------------------


def test_pages_and_discovery(cast, scim):
    first = scim.get("Users?startIndex=1&count=3")
    assert first.doc["totalResults"] == 8 and first.doc["itemsPerPage"] == 3
    second = scim.get("Users?startIndex=4&count=3")
    ids = [r["id"] for r in first.doc["Resources"] + second.doc["Resources"]]
    assert len(set(ids)) == 6 and second.doc["startIndex"] == 4
    assert scim.get("Users?count=0").doc["Resources"] == []
    assert scim.get("Users?filter=active eq false").doc["totalResults"] == 0
    groups = scim.get("Groups")
    assert groups.doc["totalResults"] == Team.objects.count()

    config = scim.get("ServiceProviderConfig")
    assert config.status_code == 200 and config.doc["patch"]["supported"] is True
    assert config.doc["filter"]["supported"] is True
    assert config.doc["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = scim.get("ResourceTypes").doc["Resources"]
    user_type = next(t for t in types if t["id"] == "User")
    assert user_type["schemaExtensions"][0]["schema"] == ENTERPRISE
    schemas = {s["id"] for s in scim.get("Schemas").doc["Resources"]}
    assert {USER, GROUP, ENTERPRISE} <= schemas
    assert scim.get("Bulk").status_code == 501


def test_department_read_from_enclosing_team_and_no_review_data(cast, scim):
    doc = scim.get(f"Users/{cast.ava.pk}").doc
    # Ava is in Enterprise Sales, inside the Sales department.
    assert doc[ENTERPRISE]["department"] == "Sales"
    assert {g["display"] for g in doc["groups"]} == {"Enterprise Sales"}
    text = json.dumps(doc).lower()
    for private in ("rating", "review", "calibration", "password", "hr_admin", "objective"):
        assert private not in text


# -- access ---------------------------------------------------------------------------------


def test_only_a_live_scim_token_opens_scim(cast):
    hana_session = Client()
    hana_session.force_login(cast.hana)
    refused = hana_session.get("/scim/v2/Users")
    assert refused.status_code == 401 and json.loads(refused.content)["schemas"] == [ERROR]
    _, api_raw = api_tokens.create_token(acting_user=cast.hana, person=cast.hana, name="script")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {api_raw}").get("/scim/v2/Users").status_code == 401
    assert Client().get("/scim/v2/Users").status_code == 401

    token, raw = tokens.create_scim_token(acting_user=cast.hana, name="Okta")
    assert token.digest != raw and raw not in str(token.__dict__)
    scim = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert scim.get("/scim/v2/Users").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # A SCIM token opens nothing else.
    assert scim.get("/api/me").status_code == 401
    assert scim.get("/organisation/people/").status_code == 302
    tokens.revoke_scim_token(acting_user=cast.hana, token=token)
    assert scim.get("/scim/v2/Users").status_code == 401


# -- bad input: a SCIM error naming the attribute, nothing changed ---------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "attribute", "scim_type"),
    [
        ("post", "Users", "{not json", 400, "body", "invalidSyntax"),
        ("post", "Users", "[1, 2]", 400, "body", "invalidSyntax"),
        ("post", "Users", {"schemas": [USER], "displayName": "X"}, 400, "userName", None),
        ("post", "Users", {"userName": "x@acme.test"}, 400, "schemas", None),
        (
            "post",
            "Users",
            {"schemas": [USER], "userName": "x", "shoeSize": 9},
            400,
            "shoeSize",
            "invalidPath",
        ),
        ("post", "Users", {"schemas": [USER], "userName": "AVA"}, 409, "userName", "uniqueness"),
        (
            "post",
            "Users",
            {"schemas": [USER], "userName": "x", "active": "maybe"},
            400,
            "active",
            None,
        ),
        (
            "post",
            "Users",
            {"schemas": [USER], "userName": "x", "emails": [{"value": "nope"}]},
            400,
            "emails",
            None,
        ),
        (
            "post",
            "Users",
            {"schemas": [USER, ENTERPRISE], "userName": "x", ENTERPRISE: {"department": "Nowhere"}},
            400,
            f"{ENTERPRISE}:department",
            None,
        ),
        (
            "post",
            "Users",
            {
                "schemas": [USER, ENTERPRISE],
                "userName": "x",
                ENTERPRISE: {"manager": {"value": "999999"}},
            },
            400,
            f"{ENTERPRISE}:manager",
            None,
        ),
        ("post", "Users", {"schemas": [USER], "userName": "has space"}, 400, "userName", None),
        (
            "post",
            "Groups",
            {"schemas": [GROUP], "displayName": "Sales"},
            409,
            "displayName",
            "uniqueness",
        ),
        (
            "post",
            "Groups",
            {"schemas": [GROUP], "displayName": "New", "members": [{"value": "999999"}]},
            400,
            "members",
            None,
        ),
        ("get", "Users?filter=userName eq", None, 400, "filter", "invalidFilter"),
        ("get", 'Users?filter=shoeSize eq "9"', None, 400, "shoeSize", "invalidFilter"),
        ("get", "Users?count=many", None, 400, "count", None),
    ],
)
def test_bad_input_names_the_attribute_and_changes_nothing(
    cast, scim, method, path, body, status, attribute, scim_type
):
    before = snapshot()
    raw = body if isinstance(body, str) else None
    response = scim.call(method, path, None if raw else body, raw=raw)
    assert_error(response, status, attribute, scim_type)
    assert snapshot() == before


def test_a_refused_patch_changes_nothing_of_the_earlier_operations(cast, scim):
    before = snapshot()
    # Cora reports to nobody; making Sam her manager would make a loop (Sam reports to her).
    loop = scim.call(
        "patch",
        f"Users/{cast.cora.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "Replace", "path": "title", "value": "CEO"},
                {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": str(cast.ava.pk)},
            ],
        },
    )
    assert_error(loop, 400, f"{ENTERPRISE}:manager")
    assert "loop" in loop.doc["detail"]
    assert snapshot() == before
    for operations, attribute in [
        ([{"op": "Move", "path": "title", "value": "x"}], "Operations[1].op"),
        ([{"op": "Remove"}], "Operations[1].path"),
        ([{"op": "Replace", "path": "title[[", "value": "x"}], "path"),
        ([{"op": "Replace", "path": "shoeSize", "value": 9}], "shoeSize"),
        ([{"op": "Replace", "path": "userName", "value": "SAM"}], "userName"),
        ([], "Operations"),
    ]:
        response = scim.call(
            "patch", f"Users/{cast.pia.pk}", {"schemas": [PATCH], "Operations": operations}
        )
        assert response.status_code in (400, 409), (operations, response.content)
        assert response.doc["detail"].startswith(f"{attribute}:"), response.doc
        assert snapshot() == before


def test_deactivating_a_manager_is_refused_until_their_reports_move(cast, scim):
    before = snapshot()
    refused = scim.call("delete", f"Users/{cast.sam.pk}")
    assert_error(refused, 400, "active")
    assert "manages" in refused.doc["detail"]
    assert snapshot() == before


def test_a_deactivated_person_keeps_their_history(cast, scim):
    from lineofsight.goals import actions as goal_actions
    from tests.okrs import build_cascade

    cascade = build_cascade(cast)
    goal_actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=3, confidence="on_track"
    )
    objectives = Objective.objects.filter(owner_person=cast.ava).count()
    check_ins = CheckIn.objects.filter(author=cast.ava).count()
    assert objectives and check_ins
    sessions = Client()
    sessions.force_login(cast.ava)
    off = scim.call(
        "patch",
        f"Users/{cast.ava.pk}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    assert off.status_code == 200
    assert Objective.objects.filter(owner_person=cast.ava).count() == objectives
    assert CheckIn.objects.filter(author=cast.ava).count() == check_ins
    assert sessions.get("/").status_code == 302
    assert Membership.objects.filter(person=cast.ava, team=cast.enterprise).exists()


def test_a_page_costs_the_same_queries_whatever_its_size(cast, scim):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lineofsight.people import actions

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert scim.get(path).status_code == 200
        return len(captured)

    scim.get("Users")  # the token's "last used" is written on the first call of a minute
    users, groups = queries("Users?count=200"), queries("Groups?count=200")
    for n in range(25):
        person = actions.create_person(
            acting_user=None, username=f"extra{n}", display_name=f"Extra {n}", manager=cast.sam
        )
        actions.add_member(acting_user=None, team=cast.platform, person=person)
    assert queries("Users?count=200") == users
    assert queries("Groups?count=200") == groups
    assert queries('Users?filter=userName eq "extra3"') <= users + 1


def test_writes_name_the_resource(cast, scim):
    before = snapshot()
    for method in ("put", "patch", "delete"):
        response = scim.call(method, "Users", {"schemas": [USER], "userName": "x"})
        assert response.status_code == 405 and response.doc["schemas"] == [ERROR]
    assert scim.call("post", f"Users/{cast.ava.pk}", okta_user("x@acme.test")).status_code == 405
    assert scim.get("Users/abc").status_code == 404
    assert scim.get("Users/999999").doc["status"] == 404
    assert snapshot() == before
