"""Admin for the organisation. Every change goes through the named actions, so paths stay
right and each change leaves an audit row under the HR admin's name.

Nobody sets a password for someone else here: HR sends a reset link to the person's own
address. People and teams that the product's history refers to cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.core.errors import ActionError, InvalidInput
from lineofsight.core.words import WEEKDAYS
from lineofsight.people import accounts, actions
from lineofsight.people.models import Membership, Organisation, Person, Team


class OrganisationForm(forms.ModelForm):
    """The tracking settings are checked by the same rules as everywhere else (off track must
    not exceed on track), with the error on the field at fault."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "time_zone",
            "pace_on_track",
            "pace_off_track",
            "escalate_after_misses",
            "digest_weekday",
            "blocker_escalation_days",
            "okr_approval",
            *actions.COACH_FIELDS,
        ]
        widgets = {
            "digest_weekday": forms.Select(choices=[(n, day) for n, day in enumerate(WEEKDAYS)]),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (*actions.COACH_FIELDS, "blocker_escalation_days"):  # blank: kept as is
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        current = Organisation(
            pace_on_track=data.get("pace_on_track", 0.7),
            pace_off_track=data.get("pace_off_track", 0.5),
        )
        errors = actions.organisation_errors(
            current=current,
            pace_on_track=data.get("pace_on_track"),
            pace_off_track=data.get("pace_off_track"),
            escalate_after_misses=data.get("escalate_after_misses"),
            digest_weekday=data.get("digest_weekday"),
            blocker_escalation_days=data.get("blocker_escalation_days"),
        )
        coach = {name: data[name] for name in actions.COACH_FIELDS if data.get(name) is not None}
        errors.update(actions.coach_settings_errors(current=self.instance, changes=coach))
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = [
        "name",
        "time_zone",
        "pace_on_track",
        "pace_off_track",
        "escalate_after_misses",
        "digest_weekday",
    ]
    fieldsets = (
        (None, {"fields": ("name", "time_zone")}),
        (
            "Tracking",
            {
                "fields": (
                    "pace_on_track",
                    "pace_off_track",
                    "escalate_after_misses",
                    "digest_weekday",
                    "blocker_escalation_days",
                ),
                "description": "Status from pace compares a key result's progress with the "
                "progress expected by today; the manager of an owner who misses check-ins is "
                "told after the given number in a row; managers get their weekly digest on "
                "the chosen day; a blocker left unresolved for the given number of days goes "
                "up the manager chain, one step per period.",
            },
        ),
        (
            "Writing OKRs",
            {
                "fields": ("okr_approval",),
                "description": "When on, a draft team or individual objective is proposed to "
                "the owner's manager (a team's: its lead, or the lead's manager when the lead "
                "wrote it), who approves it or asks for changes, before it becomes active.",
            },
        ),
        (
            "Coaching",
            {
                "fields": actions.COACH_FIELDS,
                "description": "The limits the coach checks OKRs against: how many objectives "
                "a person or team takes on, how many key results an objective has, how "
                "closely a child objective may repeat its parent's wording, and after how many "
                "cycles at 100 % or more it asks whether the targets stretch.",
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
        else:
            # Through the action: the same checks and an audit row under the HR admin's name.
            data = form.cleaned_data
            actions.update_organisation(
                acting_user=_actor(request),
                name=data["name"],
                time_zone=data["time_zone"],
                pace_on_track=data["pace_on_track"],
                pace_off_track=data["pace_off_track"],
                escalate_after_misses=data["escalate_after_misses"],
                digest_weekday=data["digest_weekday"],
                blocker_escalation_days=data.get("blocker_escalation_days"),
            )
            if bool(data.get("okr_approval")) != Organisation.current().okr_approval:
                actions.set_okr_approval(
                    acting_user=_actor(request), on=bool(data.get("okr_approval"))
                )
            coach = {n: data[n] for n in actions.COACH_FIELDS if data.get(n) is not None}
            if coach:
                actions.update_coach_settings(acting_user=_actor(request), **coach)
        from lineofsight.people.selectors import forget_organisation_cache

        forget_organisation_cache()


def _actor(request: HttpRequest) -> Person | None:
    """The person recorded on audit rows: the HR admin, or nobody for a plain superuser
    (who acts with the operator's authority, as on the command line)."""
    user = request.user
    return user if getattr(user, "is_hr_admin", False) else None  # type: ignore[return-value]


def _refusal(request: HttpRequest, exc: ActionError) -> None:
    text = exc.summary() if isinstance(exc, InvalidInput) else str(exc)
    messages.error(request, text)


def _adopt(obj: Any, saved: Any) -> None:
    """Make the admin's unsaved object the row an action created, so the admin's own steps
    (inlines, its change message, the redirect) carry on with it."""
    obj.__dict__.update(saved.__dict__)


class MembershipsThroughActions:
    """Saves the membership rows of an inline through ``add_member``/``remove_member``."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            return
        actor = _actor(request)
        formset.save(commit=False)
        try:
            for gone in formset.deleted_objects:
                old = Membership.objects.select_related("team", "person").get(pk=gone.pk)
                actions.remove_member(acting_user=actor, team=old.team, person=old.person)
            for row, _fields in formset.changed_objects:
                old = Membership.objects.select_related("team", "person").get(pk=row.pk)
                actions.remove_member(acting_user=actor, team=old.team, person=old.person)
                actions.add_member(acting_user=actor, team=row.team, person=row.person)
            for row in formset.new_objects:
                actions.add_member(acting_user=actor, team=row.team, person=row.person)
        except ActionError as exc:
            _refusal(request, exc)


class DeletesThroughActions:
    """One at a time, after checking that nothing refers to the row (no bulk delete)."""

    def get_actions(self, request: HttpRequest) -> Any:
        found = super().get_actions(request)  # type: ignore[misc]
        found.pop("delete_selected", None)
        return found

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is not None:
            refusal = actions.deletion_refusal(obj)
            if refusal:
                messages.error(request, refusal)
                opts = obj._meta
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                )
        return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]


class PersonMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]
    fields = ["team"]
    verbose_name = "team membership"


class TeamMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person"]
    verbose_name = "member"


PERSON_FIELDS = ["display_name", "email", "job_title", "manager", "is_hr_admin", "is_executive"]


class PersonAddForm(forms.ModelForm):
    """A new person has no password: they get a link to choose one."""

    class Meta:
        model = Person
        fields = ["username", *PERSON_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["email"].required = True
        self.fields["email"].help_text = "The link to choose a password is sent here."

    def clean_username(self) -> str:
        username = (self.cleaned_data.get("username") or "").strip()
        if Person.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"Someone already has the username {username!r}.")
        return username


class PersonChangeForm(forms.ModelForm):
    """Refuses a manager that would make a loop, before anything is saved."""

    class Meta:
        model = Person
        fields = [*PERSON_FIELDS, "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "display_name" in self.fields:
            self.fields["display_name"].required = True
        if "is_active" in self.fields:
            self.fields["is_active"].help_text = (
                "Untick to deactivate: they can no longer sign in and their API tokens stop "
                "working; everything they did keeps their name."
            )

    def clean_manager(self) -> Person | None:
        manager = self.cleaned_data.get("manager")
        person = self.instance
        if (
            person.pk
            and manager is not None
            and (manager.pk == person.pk or f"/{person.pk}/" in manager.manager_path)
        ):
            raise ValidationError("That would make a loop in the reporting line.")
        return manager


@admin.register(Person)
class PersonAdmin(DeletesThroughActions, MembershipsThroughActions, admin.ModelAdmin):
    form = PersonChangeForm
    list_display = [
        "username",
        "display_name",
        "job_title",
        "manager",
        "is_hr_admin",
        "is_executive",
        "is_active",
    ]
    list_filter = ["is_hr_admin", "is_executive", "is_active"]
    search_fields = ["username", "display_name", "email", "first_name", "last_name"]
    autocomplete_fields = ["manager"]
    inlines = [PersonMembershipInline]
    actions = ["send_reset_links", "unlock_sign_ins"]
    fieldsets = (
        (None, {"fields": ("username", "password_status", "sign_in_status")}),
        ("Line of Sight", {"fields": (*PERSON_FIELDS, "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
        (
            "Django's own powers",
            {
                "fields": ("is_superuser", "is_staff"),
                "description": "Superuser status is given only from the command line "
                "(lineofsight createsuperuser); staff status follows the HR admin flag.",
            },
        ),
    )
    add_fieldsets = ((None, {"fields": ("username", *PERSON_FIELDS)}),)
    readonly_fields = [
        "username",
        "password_status",
        "sign_in_status",
        "last_login",
        "date_joined",
        "is_superuser",
        "is_staff",
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Person | None = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_form(
        self, request: HttpRequest, obj: Person | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = PersonAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inline_instances(self, request: HttpRequest, obj: Person | None = None) -> Any:
        return [] if obj is None else super().get_inline_instances(request, obj)

    @admin.display(description="Password")
    def password_status(self, obj: Person) -> str:
        state = (
            "Chosen by its owner."
            if obj.has_usable_password()
            else "None yet: they cannot sign in with a password until they choose one."
        )
        return format_html(
            '{} Nobody else can see or set it. <a href="{}">Send {} a link to choose a new '
            "one</a>.",
            state,
            reverse("admin:people_person_send_reset_link", args=[obj.pk]),
            obj.name,
        )

    @admin.display(description="Signing in")
    def sign_in_status(self, obj: Person) -> str:
        until = accounts.locked_until(obj)
        if until is None:
            return "Not locked." if obj.is_active else "Deactivated: cannot sign in."
        return format_html(
            'Locked after too many wrong passwords, until {}. <a href="{}">Unlock now</a>.',
            timezone.localtime(until).strftime("%d %b %Y %H:%M"),
            reverse("admin:people_person_unlock", args=[obj.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:person_id>/send-reset-link/",
                self.admin_site.admin_view(self.send_reset_link_view),
                name="people_person_send_reset_link",
            ),
            path(
                "<int:person_id>/unlock/",
                self.admin_site.admin_view(self.unlock_view),
                name="people_person_unlock",
            ),
            *super().get_urls(),
        ]

    def _confirm(
        self,
        request: HttpRequest,
        person_id: int,
        act: Callable[[HttpRequest, Person], bool],
        title: str,
        explanation: str,
        button: str,
    ) -> HttpResponse:
        """A page that explains one change to a person and makes it on POST."""
        person = get_object_or_404(Person, pk=person_id)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        change_url = reverse("admin:people_person_change", args=[person.pk])
        if request.method == "POST" and act(request, person):
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "person": person,
            "change_url": change_url,
            "title": title.format(name=person.name),
            "explanation": explanation.format(name=person.name, email=person.email or "-"),
            "button": button,
        }
        return TemplateResponse(request, "admin/people/person/confirm.html", context)

    def send_reset_link_view(self, request: HttpRequest, person_id: int) -> HttpResponse:
        return self._confirm(
            request,
            person_id,
            self._send_reset_link,
            "Send {name} a password reset link",
            "Nobody sets a password for someone else. Line of Sight emails {name} at {email} "
            "a link to choose a new password. The link works once, for three days at most; "
            "until it is used their current password keeps working. The audit log records "
            "that you sent it.",
            "Send the link",
        )

    def unlock_view(self, request: HttpRequest, person_id: int) -> HttpResponse:
        return self._confirm(
            request,
            person_id,
            self._unlock,
            "Unlock signing in for {name}",
            "After too many wrong passwords, signing in as {name} is refused for a while. "
            "Unlocking forgets those failures now, so they can sign in again at once. Make "
            "sure it was them: someone else guessing their password also locks it. The "
            "audit log records that you unlocked it.",
            "Unlock",
        )

    def _unlock(self, request: HttpRequest, person: Person) -> bool:
        try:
            accounts.unlock_sign_in(acting_user=_actor(request), person=person)
        except ActionError as exc:
            _refusal(request, exc)
            return False
        messages.success(request, f"{person.name} can sign in again.")
        return True

    @admin.action(description="Unlock signing in for the selected people")
    def unlock_sign_ins(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        for person in queryset.order_by("username"):
            self._unlock(request, person)

    def _send_reset_link(self, request: HttpRequest, person: Person) -> bool:
        try:
            accounts.send_password_reset(acting_user=_actor(request), person=person)
        except ActionError as exc:
            _refusal(request, exc)
            return False
        messages.success(
            request, f"A link to choose a new password was sent to {person.name} ({person.email})."
        )
        return True

    @admin.action(description="Send a password reset link to the selected people")
    def send_reset_links(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        for person in queryset.order_by("username"):
            self._send_reset_link(request, person)

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        actor = _actor(request)
        data = form.cleaned_data
        if not change:
            person = actions.create_person(
                acting_user=actor,
                username=data["username"],
                display_name=data["display_name"],
                email=data["email"],
                password=None,
                job_title=data.get("job_title") or "",
                manager=data.get("manager"),
                is_hr_admin=data.get("is_hr_admin", False),
                is_executive=data.get("is_executive", False),
            )
            _adopt(obj, person)
            self._send_reset_link(request, person)
            return
        person = Person.objects.get(pk=obj.pk)
        changed = set(form.changed_data)
        fields = {
            name: data[name]
            for name in ("display_name", "email", "job_title", "is_hr_admin", "is_executive")
            if name in changed
        }
        if "is_active" in changed:
            fields["is_active"] = data["is_active"]
        try:
            if fields:
                person = actions.update_person(acting_user=actor, person=person, **fields)
            if "manager" in changed:
                actions.set_manager(acting_user=actor, person=person, manager=data["manager"])
        except ActionError as exc:
            _refusal(request, exc)
        _adopt(obj, Person.objects.get(pk=obj.pk))

    def delete_model(self, request: HttpRequest, obj: Person) -> None:
        actions.delete_person(acting_user=_actor(request), person=obj)


class TeamForm(forms.ModelForm):
    """Refuses a parent that would put a team inside itself, before anything is saved."""

    class Meta:
        model = Team
        fields = ["name", "slug", "kind", "parent", "lead", "check_in_cadence"]

    def clean_parent(self) -> Team | None:
        parent = self.cleaned_data.get("parent")
        team = self.instance
        if (
            team.pk
            and parent is not None
            and (parent.pk == team.pk or f"/{team.pk}/" in parent.path)
        ):
            raise ValidationError("A team cannot sit inside itself.")
        return parent


@admin.register(Team)
class TeamAdmin(DeletesThroughActions, MembershipsThroughActions, admin.ModelAdmin):
    form = TeamForm
    list_display = ["name", "kind", "parent", "lead", "check_in_cadence"]
    list_filter = ["kind", "check_in_cadence"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent", "lead"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [TeamMembershipInline]

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        actor = _actor(request)
        data = form.cleaned_data
        if not change:
            team = actions.create_team(
                acting_user=actor,
                name=data["name"],
                kind=data["kind"],
                parent=data.get("parent"),
                lead=data.get("lead"),
                slug=data["slug"],
            )
            if data.get("check_in_cadence"):
                team = actions.set_team_cadence(
                    acting_user=actor, team=team, cadence=data["check_in_cadence"]
                )
            _adopt(obj, team)
            return
        team = Team.objects.get(pk=obj.pk)
        changed = set(form.changed_data)
        try:
            fields = {name: data[name] for name in ("name", "slug", "kind") if name in changed}
            if fields:
                team = actions.update_team(acting_user=actor, team=team, **fields)
            if "lead" in changed:
                team = actions.set_team_lead(acting_user=actor, team=team, lead=data["lead"])
            if "check_in_cadence" in changed:
                team = actions.set_team_cadence(
                    acting_user=actor, team=team, cadence=data["check_in_cadence"]
                )
            if "parent" in changed:
                team = actions.move_team(acting_user=actor, team=team, parent=data["parent"])
        except ActionError as exc:
            _refusal(request, exc)
        _adopt(obj, Team.objects.get(pk=obj.pk))

    def delete_model(self, request: HttpRequest, obj: Team) -> None:
        actions.delete_team(acting_user=_actor(request), team=obj)


# django-otp's own admin pages would show second-factor secrets and recovery codes, and change
# them without an audit row: people manage their second factor on their Security page.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
