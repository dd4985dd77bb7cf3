"""People and teams as SCIM Users and Groups (django-scim2 adapters).

Reading: a person is a User with the enterprise extension's ``manager`` and ``department``;
a team is a Group whose members are its people. Nothing about reviews, ratings, objectives
or HR roles is ever part of either.

Writing: every change goes through the organisation's named actions (``people.actions``),
so it is checked, audited and refused exactly as it would be on HR's pages; the view runs
each request in one transaction, so a refusal changes nothing.

* ``department`` names a team (matched on its name, a department first where names repeat):
  the person joins it and leaves the other departments they were a member of (teams of
  the kind "team" are left to Groups). Read back, it is the person's department: the first
  department they belong to, else the department around one of their teams.
* ``active: false`` (PUT or PATCH) and DELETE deactivate the person: history kept, sessions
  and API tokens ended at once. ``active: true`` brings them back.
* A PUT replaces the attributes it carries; one it leaves out keeps its value, so a
  provider that does not send the manager never clears a reporting line set by HR.
* A new Group is a team of the kind "team" inside the company (HR may move it later).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django_scim import exceptions
from django_scim.adapters import SCIMGroup, SCIMUser
from django_scim.constants import SchemaURI

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people import actions
from lineofsight.people.models import Membership, Person, Team
from lineofsight.people.scim import attributes as attrs
from lineofsight.people.scim.attributes import ENTERPRISE, bad, conflict

# Where each field an action names is, in SCIM terms.
PERSON_ATTRIBUTE = {
    "username": "userName",
    "display_name": "displayName",
    "email": "emails",
    "job_title": "title",
    "first_name": "name.givenName",
    "last_name": "name.familyName",
    "external_id": "externalId",
    "manager": f"{ENTERPRISE}:manager",
    "teams": f"{ENTERPRISE}:department",
    "is_active": "active",
    "is_hr_admin": "active",
    "person": "id",
}
TEAM_ATTRIBUTE = {
    "name": "displayName",
    "external_id": "externalId",
    "parent": "displayName",
    "kind": "displayName",
    "person": "members",
    "team": "id",
}


def base_location(request: Any = None, *args: Any, **kwargs: Any) -> str:
    """Where the SCIM resources live, from the site's address (``LOS_SITE_URL``)."""
    return str(settings.SITE_URL).rstrip("/") + "/"


def refused(exc: InvalidInput | NotAllowed, names: dict[str, str]) -> exceptions.SCIMException:
    """An action's refusal as a SCIM error naming the attribute."""
    if isinstance(exc, NotAllowed):
        return exceptions.SCIMException(str(exc), status=403)
    field, messages = next(iter(exc.errors.items()))
    return bad(names.get(field, field), " ".join(messages))


class PersonAdapter(SCIMUser):
    """A person as a SCIM User."""

    id_field = "pk"
    url_name = "scim:users"
    obj: Person

    def __init__(self, obj: Person, request: Any = None) -> None:
        super().__init__(obj, request)
        self.changes: dict[str, Any] = {}

    # -- reading -----------------------------------------------------------------------

    @property
    def location(self) -> str:
        return urljoin(base_location(), reverse(self.url_name, kwargs={"uuid": self.obj.pk}))

    def department(self) -> str:
        known = getattr(self.obj, "scim_department", None)
        if known is not None:
            return str(known)
        return departments_of([self.obj]).get(self.obj.pk, "")

    def to_dict(self) -> dict[str, Any]:
        person: Person = self.obj
        manager: dict[str, Any] | None = None
        if person.manager_id:
            manager = {
                "value": str(person.manager_id),
                "$ref": urljoin(
                    base_location(), reverse(self.url_name, kwargs={"uuid": person.manager_id})
                ),
                "displayName": person.manager.name if person.manager else "",
            }
        teams = [m.team for m in person.memberships.all()]
        return {
            "schemas": [SchemaURI.USER, ENTERPRISE],
            "id": str(person.pk),
            "externalId": person.external_id or None,
            "userName": person.username,
            "name": {
                "givenName": person.first_name,
                "familyName": person.last_name,
                "formatted": f"{person.first_name} {person.last_name}".strip() or person.name,
            },
            "displayName": person.name,
            "title": person.job_title,
            "emails": (
                [{"value": person.email, "type": "work", "primary": True}] if person.email else []
            ),
            "active": person.is_active,
            "groups": [
                {
                    "value": str(team.pk),
                    "display": team.name,
                    "$ref": urljoin(
                        base_location(), reverse("scim:groups", kwargs={"uuid": team.pk})
                    ),
                }
                for team in sorted(teams, key=lambda t: t.name)
            ],
            ENTERPRISE: {"department": self.department(), "manager": manager},
            "meta": {
                "resourceType": "User",
                "created": person.date_joined.isoformat(),
                "location": self.location,
            },
        }

    @classmethod
    def resource_type_dict(cls, request: Any = None) -> dict[str, Any]:
        doc = super().resource_type_dict(request)
        doc["schemaExtensions"] = [{"schema": ENTERPRISE, "required": False}]
        doc["meta"]["location"] = urljoin(
            base_location(), reverse("scim:resource-types", kwargs={"uuid": "User"})
        )
        return doc

    # -- reading what is sent ----------------------------------------------------------

    def validate_dict(self, d: dict[str, Any]) -> None:
        attrs.require_schema(d, SchemaURI.USER)

    def from_dict(self, d: dict[str, Any]) -> None:
        """A POST's or PUT's attributes, checked, as the changes ``save`` makes."""
        flat = attrs.flatten(d, attrs.USER_ATTRIBUTES, extension=True)
        creating = self.obj.pk is None
        if creating or "username" in flat:
            self.changes["username"] = attrs.as_text(
                "userName", flat.get("username"), required=True, limit=150
            )
        for key, value in flat.items():
            self._take("replace", key, value)

    def _take(self, op: str, key: str, value: Any) -> None:
        """Note one attribute's new value (``op`` "remove" clears it)."""
        removing = op == "remove"
        if key == "username":
            if removing:
                raise bad("userName", "is required and cannot be removed.", "mutability")
            self.changes["username"] = attrs.as_text("userName", value, required=True, limit=150)
        elif key == "name.givenname":
            self.changes["first_name"] = (
                "" if removing else attrs.as_text("name.givenName", value, limit=150)
            )
        elif key == "name.familyname":
            self.changes["last_name"] = (
                "" if removing else attrs.as_text("name.familyName", value, limit=150)
            )
        elif key == "displayname":
            self.changes["display_name"] = "" if removing else attrs.as_text("displayName", value)
        elif key == "title":
            self.changes["job_title"] = "" if removing else attrs.as_text("title", value)
        elif key == "emails":
            self.changes["email"] = "" if removing else attrs.primary_email(value)
        elif key == "externalid":
            self.changes["external_id"] = "" if removing else attrs.as_text("externalId", value)
        elif key == "active":
            if removing:
                raise bad("active", "cannot be removed; set it to false.", "mutability")
            self.changes["is_active"] = attrs.as_bool("active", value)
        elif key == "manager":
            pk = None if removing else attrs.as_reference(f"{ENTERPRISE}:manager", value)
            self.changes["manager"] = pk
        elif key == "department":
            self.changes["department"] = (
                "" if removing else attrs.as_text(f"{ENTERPRISE}:department", value)
            )
        elif key == "id" and value is not None and str(value) != str(self.obj.pk or value):
            raise bad("id", "is set by the service provider and cannot change.", "mutability")
        # Anything else the schemas define (phone numbers, addresses, ...) is not kept.

    def handle_operations(self, operations: Any) -> None:
        for op, key, value in attrs.patch_changes(
            operations, attrs.USER_ATTRIBUTES, extension=True
        ):
            self._take(op, key, value)
        self.save()

    # -- writing -----------------------------------------------------------------------

    def _manager(self) -> Person | None:
        pk = self.changes.get("manager")
        if pk is None:
            return None
        manager = Person.objects.filter(pk=pk).first()
        if manager is None:
            raise bad(f"{ENTERPRISE}:manager", f"no user has the id {pk}.")
        return manager

    def _department_teams(self, person: Person | None) -> list[Team] | None:
        """The person's teams once the department is set (None: no change)."""
        if "department" not in self.changes:
            return None
        name = self.changes["department"]
        current = (
            list(Team.objects.filter(memberships__person=person)) if person is not None else []
        )
        kept = [t for t in current if t.kind != Team.Kind.DEPARTMENT]
        if not name:
            return kept
        matches = list(Team.objects.filter(name__iexact=name).order_by("pk"))
        departments = [t for t in matches if t.kind == Team.Kind.DEPARTMENT]
        chosen = (departments or matches)[:1]
        if not chosen:
            raise bad(
                f"{ENTERPRISE}:department",
                f"no team is called {name!r}; create it in Line of Sight first or change "
                "the provider's department mapping.",
            )
        if len(departments) > 1 or (not departments and len(matches) > 1):
            raise bad(f"{ENTERPRISE}:department", f"several teams are called {name!r}.")
        return [*kept, chosen[0]] if chosen[0] not in kept else kept

    def _check_username(self, person: Person | None) -> None:
        username = self.changes.get("username")
        if username is None:
            return
        taken = Person.objects.filter(username__iexact=username)
        if person is not None:
            taken = taken.exclude(pk=person.pk)
        if taken.exists():
            raise conflict("userName", f"someone already has the userName {username!r}.")

    def save(self) -> None:
        try:
            if self.obj.pk is None:
                self._create()
            else:
                self._update()
        except (InvalidInput, NotAllowed) as exc:
            raise refused(exc, PERSON_ATTRIBUTE) from None
        self.obj = people_for_scim().get(pk=self.obj.pk)

    def _create(self) -> None:
        c = self.changes
        self._check_username(None)
        display = (
            c.get("display_name")
            or " ".join(part for part in (c.get("first_name", ""), c.get("last_name", "")) if part)
            or c["username"]
        )
        teams = self._department_teams(None)
        person = actions.create_person(
            acting_user=None,
            username=c["username"],
            display_name=display,
            email=c.get("email", ""),
            job_title=c.get("job_title", ""),
            first_name=c.get("first_name", ""),
            last_name=c.get("last_name", ""),
            external_id=c.get("external_id", ""),
            manager=self._manager(),
        )
        if teams:
            actions.set_person_teams(acting_user=None, person=person, teams=teams)
        if c.get("is_active") is False:
            actions.deactivate_person(acting_user=None, person=person)
        self.obj = person

    def _update(self) -> None:
        c = self.changes
        person: Person = self.obj
        self._check_username(person)
        kwargs: dict[str, Any] = {
            key: c[key]
            for key in ("username", "email", "job_title", "first_name", "last_name", "external_id")
            if key in c
        }
        if "display_name" in c:
            # An empty display name falls back on the full name, as on creation.
            first = c.get("first_name", person.first_name)
            last = c.get("last_name", person.last_name)
            kwargs["display_name"] = (
                c["display_name"]
                or f"{first} {last}".strip()
                or (c.get("username") or person.username)
            )
        if "manager" in c:
            kwargs["manager"] = self._manager()
        teams = self._department_teams(person)
        if teams is not None:
            kwargs["teams"] = teams
        if "is_active" in c:
            kwargs["is_active"] = c["is_active"]
        if kwargs:
            actions.edit_person(acting_user=None, person=person, **kwargs)

    def delete(self) -> None:
        """Deactivate: the person keeps their history (and may come back)."""
        if not self.obj.is_active:
            return
        try:
            actions.deactivate_person(acting_user=None, person=self.obj)
        except (InvalidInput, NotAllowed) as exc:
            raise refused(exc, PERSON_ATTRIBUTE) from None


class TeamAdapter(SCIMGroup):
    """A team as a SCIM Group."""

    id_field = "pk"
    url_name = "scim:groups"
    obj: Team

    def __init__(self, obj: Team, request: Any = None) -> None:
        super().__init__(obj, request)
        self.changes: dict[str, Any] = {}
        self.adding: list[int] = []
        self.removing: list[int] = []
        self.replacing: list[int] | None = None

    @property
    def location(self) -> str:
        return urljoin(base_location(), reverse(self.url_name, kwargs={"uuid": self.obj.pk}))

    def to_dict(self) -> dict[str, Any]:
        team: Team = self.obj
        doc: dict[str, Any] = {
            "schemas": [SchemaURI.GROUP],
            "id": str(team.pk),
            "externalId": team.external_id or None,
            "displayName": team.name,
            "meta": {"resourceType": "Group", "location": self.location},
        }
        excluded = excluded_attributes(self._request)
        if "members" not in excluded:
            doc["members"] = [
                {
                    "value": str(m.person_id),
                    "display": m.person.name,
                    "$ref": urljoin(
                        base_location(), reverse("scim:users", kwargs={"uuid": m.person_id})
                    ),
                }
                for m in sorted(team.memberships.all(), key=lambda m: m.person_id)
            ]
        return doc

    @classmethod
    def resource_type_dict(cls, request: Any = None) -> dict[str, Any]:
        doc = super().resource_type_dict(request)
        doc["meta"]["location"] = urljoin(
            base_location(), reverse("scim:resource-types", kwargs={"uuid": "Group"})
        )
        return doc

    def validate_dict(self, d: dict[str, Any]) -> None:
        attrs.require_schema(d, SchemaURI.GROUP)

    def from_dict(self, d: dict[str, Any]) -> None:
        flat = attrs.flatten(d, attrs.GROUP_ATTRIBUTES, extension=False)
        if self.obj.pk is None or "displayname" in flat:
            self.changes["name"] = attrs.as_text(
                "displayName", flat.get("displayname"), required=True
            )
        for key, value in flat.items():
            if key == "members":
                self.replacing = attrs.member_ids("members", value or [])
            else:
                self._take("replace", key, value)

    def _take(self, op: str, key: str, value: Any) -> None:
        if key == "displayname":
            if op == "remove":
                raise bad("displayName", "is required and cannot be removed.", "mutability")
            self.changes["name"] = attrs.as_text("displayName", value, required=True)
        elif key == "externalid":
            self.changes["external_id"] = (
                "" if op == "remove" else attrs.as_text("externalId", value)
            )
        elif key == "members":
            if op == "replace":
                self.replacing = attrs.member_ids("members", value or [])
                self.adding, self.removing = [], []
            elif op == "add":
                self.adding += attrs.member_ids("members", value)
            elif value is None:  # remove every member
                self.replacing, self.adding, self.removing = [], [], []
            else:
                self.removing += attrs.member_ids("members", value)
        elif key == "id" and value is not None and str(value) != str(self.obj.pk or value):
            raise bad("id", "is set by the service provider and cannot change.", "mutability")

    def handle_operations(self, operations: Any) -> None:
        for op, key, value in attrs.patch_changes(
            operations, attrs.GROUP_ATTRIBUTES, extension=False
        ):
            self._take(op, key, value)
        self.save()

    def _people(self, ids: list[int]) -> dict[int, Person]:
        found = {p.pk: p for p in Person.objects.filter(pk__in=set(ids))}
        missing = sorted(set(ids) - set(found))
        if missing:
            raise bad("members", f"no user has the id {', '.join(map(str, missing))}.")
        return found

    def _check_name(self, team: Team | None) -> None:
        name = self.changes.get("name")
        if name is None:
            return
        taken = Team.objects.filter(name__iexact=name)
        if team is not None:
            taken = taken.exclude(pk=team.pk)
        if taken.exists():
            raise conflict("displayName", f"a team is already called {name!r}.")

    def save(self) -> None:
        try:
            self._save()
        except (InvalidInput, NotAllowed) as exc:
            raise refused(exc, TEAM_ATTRIBUTE) from None
        self.obj = teams_for_scim().get(pk=self.obj.pk)

    def _save(self) -> None:
        c = self.changes
        self._check_name(self.obj if self.obj.pk else None)
        people = self._people([*self.adding, *self.removing, *(self.replacing or [])])
        if self.obj.pk is None:
            company = Team.objects.filter(parent__isnull=True).order_by("pk").first()
            team = actions.create_team(
                acting_user=None,
                name=c["name"],
                kind=Team.Kind.TEAM if company is not None else Team.Kind.COMPANY,
                parent=company,
                external_id=c.get("external_id", ""),
            )
        else:
            team = self.obj
            updates = {k: c[k] for k in ("name", "external_id") if k in c}
            if updates:
                team = actions.update_team(acting_user=None, team=team, **updates)
        current = set(Membership.objects.filter(team=team).values_list("person_id", flat=True))
        if self.replacing is not None:
            wanted = set(self.replacing)
            joining, leaving = wanted - current, current - wanted
        else:
            joining = set(self.adding) - current
            leaving = set(self.removing) & current
        for pk in sorted(joining):
            actions.add_member(acting_user=None, team=team, person=people[pk])
        for pk in sorted(leaving):
            person = people.get(pk) or Person.objects.get(pk=pk)
            actions.remove_member(acting_user=None, team=team, person=person)
        self.obj = team

    def delete(self) -> None:
        try:
            actions.delete_team(acting_user=None, team=self.obj)
        except (InvalidInput, NotAllowed) as exc:
            raise refused(exc, TEAM_ATTRIBUTE) from None


def excluded_attributes(request: Any) -> set[str]:
    if request is None:
        return set()
    raw = request.GET.get("excludedAttributes", "")
    return {part.strip().lower() for part in raw.split(",") if part.strip()}


def people_for_scim() -> Any:
    return Person.objects.select_related("manager").prefetch_related("memberships__team")


def teams_for_scim() -> Any:
    return Team.objects.prefetch_related("memberships__person")


def departments_of(people: list[Person]) -> dict[int, str]:
    """Each person's department (see the module's docstring), in two queries at most."""
    out: dict[int, str] = {}
    around: dict[int, list[int]] = {}
    for person in people:
        teams = sorted((m.team for m in person.memberships.all()), key=lambda t: t.name)
        direct = [t for t in teams if t.kind == Team.Kind.DEPARTMENT]
        if direct:
            out[person.pk] = direct[0].name
        else:
            around[person.pk] = [pk for t in teams for pk in reversed(t.ancestor_ids)]
    wanted = {pk for ids in around.values() for pk in ids}
    if wanted:
        names = dict(
            Team.objects.filter(Q(pk__in=wanted) & Q(kind=Team.Kind.DEPARTMENT)).values_list(
                "pk", "name"
            )
        )
        for person_pk, ids in around.items():
            out[person_pk] = next((names[pk] for pk in ids if pk in names), "")
    for person in people:
        person.scim_department = out.get(person.pk, "")  # type: ignore[attr-defined]
    return out
