"""Admin for the organisation. Saves go through the named actions so paths and audit stay right."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from lineofsight.core.errors import InvalidInput
from lineofsight.insights.due import WEEKDAYS
from lineofsight.people import actions
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
            *actions.COACH_FIELDS,
        ]
        widgets = {
            "digest_weekday": forms.Select(choices=[(n, day) for n, day in enumerate(WEEKDAYS)]),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in actions.COACH_FIELDS:  # left blank: kept as they are
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
                ),
                "description": "Status from pace compares a key result's progress with the "
                "progress expected by today; the manager of an owner who misses check-ins is "
                "told after the given number in a row; managers get their weekly digest on "
                "the chosen day.",
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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]


class PersonChangeForm(UserChangeForm):
    """Refuses a manager that would make a loop, before anything is saved."""

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
class PersonAdmin(UserAdmin):
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
    inlines = [MembershipInline]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "Line of Sight",
            {"fields": ("display_name", "job_title", "manager", "is_hr_admin", "is_executive")},
        ),
    )
    add_fieldsets = (
        *(UserAdmin.add_fieldsets or ()),
        (
            "Line of Sight",
            {"fields": ("display_name", "job_title", "manager", "is_hr_admin", "is_executive")},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> Any:
        # Staff status follows the HR admin flag; only superusers hand out Django's own powers.
        fixed = ["is_staff", "last_login", "date_joined"]
        if not request.user.is_superuser:
            fixed += ["is_superuser", "groups", "user_permissions"]
        return fixed

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        obj.is_staff = obj.is_hr_admin or obj.is_superuser
        actor = _actor(request)
        new_manager = obj.manager
        if change:
            old_manager_id = Person.objects.values_list("manager_id", flat=True).get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            if old_manager_id != (new_manager.pk if new_manager else None):
                try:
                    actions.set_manager(acting_user=actor, person=obj, manager=new_manager)
                except InvalidInput as exc:
                    obj.manager_id = old_manager_id
                    Person.objects.filter(pk=obj.pk).update(manager_id=old_manager_id)
                    messages.error(request, exc.summary())
        else:
            obj.manager_path = new_manager.subtree_prefix if new_manager else "/"
            super().save_model(request, obj, form, change)


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
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = ["name", "kind", "parent", "lead", "check_in_cadence"]
    list_filter = ["kind", "check_in_cadence"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent", "lead"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> None:
        if change:
            old_parent_id, old_cadence = Team.objects.values_list(
                "parent_id", "check_in_cadence"
            ).get(pk=obj.pk)
            new_parent = obj.parent
            obj.parent_id = old_parent_id
            new_cadence = obj.check_in_cadence
            obj.check_in_cadence = old_cadence
            super().save_model(request, obj, form, change)
            if new_cadence != old_cadence:
                actions.set_team_cadence(acting_user=_actor(request), team=obj, cadence=new_cadence)
            if old_parent_id != (new_parent.pk if new_parent else None):
                try:
                    actions.move_team(acting_user=_actor(request), team=obj, parent=new_parent)
                except InvalidInput as exc:
                    messages.error(request, exc.summary())
        else:
            obj.path = obj.parent.subtree_prefix if obj.parent else "/"
            super().save_model(request, obj, form, change)
