"""The organisation: people, reporting lines, nested teams, roles.

Reporting lines and team nesting are stored twice on purpose: as a parent pointer (the
truth) and as a materialised path ("/1/7/23/", the ancestors' ids, root first). The path
answers "is A in B's manager chain?" and "everyone under this team" with one indexed
comparison instead of a walk. Only the actions in ``people.actions`` write either.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from lineofsight.people.cadence import Cadence


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a known time zone.") from None


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)


class Organisation(models.Model):
    """The one organisation this installation serves (a single row)."""

    name = models.CharField(max_length=200, default="My organisation")
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    # Status from pace: a key result is on track when its progress is at least this share of
    # the progress expected by today, off track under the second share, at risk between.
    pace_on_track = models.FloatField(
        "on track from",
        default=0.7,
        validators=[MinValueValidator(0.0), MaxValueValidator(2.0)],
        help_text="Share of the expected progress at or above which a key result is on track.",
    )
    pace_off_track = models.FloatField(
        "off track below",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(2.0)],
        help_text="Share of the expected progress under which a key result is off track.",
    )
    escalate_after_misses = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Missed check-ins in a row after which the owner's manager is told.",
    )
    blocker_escalation_days = models.PositiveSmallIntegerField(
        "escalate blockers after days",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Days a blocker may stay unresolved before the assignee's manager (or the "
        "raiser's, when nobody is assigned) is told; one step up the chain for each further "
        "such period.",
    )
    okr_approval = models.BooleanField(
        "approve objectives",
        default=False,
        help_text="When on, a draft team or individual objective becomes active only once the "
        "owner's manager (for a team, its lead, or the lead's manager when the lead wrote "
        "it) approves it.",
    )
    require_second_factor_for_hr = models.BooleanField(
        "HR admins need a second factor",
        default=False,
        help_text="When on, an HR admin without a confirmed authenticator app is sent to set "
        "one up before any other page.",
    )
    sso_only = models.BooleanField(
        "single sign-on only",
        default=False,
        help_text="When on, people sign in through an identity provider only: the password "
        "form and password reset links work for break-glass HR admins alone.",
    )
    digest_weekday = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(6)],
        help_text="Day the weekly manager digest goes out (0 = Monday ... 6 = Sunday).",
    )
    # Coaching: the limits and thresholds the coach's checks apply (coach.rules).
    max_objectives_person = models.PositiveSmallIntegerField(
        "objectives per person, at most",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="A person with more objectives than this in a cycle is asked which to drop.",
    )
    max_objectives_team = models.PositiveSmallIntegerField(
        "objectives per team, at most",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    min_key_results = models.PositiveSmallIntegerField(
        "key results per objective, at least",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="For team and individual objectives.",
    )
    max_key_results = models.PositiveSmallIntegerField(
        "key results per objective, at most",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="For team and individual objectives.",
    )
    min_key_results_company = models.PositiveSmallIntegerField(
        "key results per company objective, at least",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    max_key_results_company = models.PositiveSmallIntegerField(
        "key results per company objective, at most",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    copy_paste_similarity = models.FloatField(
        "copy-paste similarity",
        default=0.35,
        validators=[MinValueValidator(0.2), MaxValueValidator(0.9)],
        help_text="A child objective whose restating score against its parent (wording, "
        "meaning and figures; 0.2-0.9) is at least this restates it instead of translating it.",
    )
    sandbagging_cycles = models.PositiveSmallIntegerField(
        "sandbagging after cycles",
        default=2,
        validators=[MinValueValidator(2), MaxValueValidator(12)],
        help_text="Closed cycles in a row at the sandbagging attainment or more after which "
        "the coach asks whether the targets stretch.",
    )
    sandbagging_attainment = models.FloatField(
        "sandbagging attainment",
        default=0.95,
        validators=[MinValueValidator(0.8), MaxValueValidator(1.0)],
        help_text="Attainment (0.8-1.0) that counts as hitting everything: at 0.95, a run of "
        "100 %, 100 % and 97 % still asks whether the targets stretch.",
    )
    sandbagging_min_check_ins = models.PositiveSmallIntegerField(
        "check-ins always on track",
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text="Check-ins on each of two stretch key results, all on track from the first, "
        "after which the coach asks whether the targets stretch.",
    )
    neglect_missed_check_ins = models.PositiveSmallIntegerField(
        "neglected after missed check-ins",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="Cadence periods a key result may go without a check-in before it is "
        "neglected: with 2, a weekly key result after more than 14 days.",
    )
    closing_days = models.PositiveSmallIntegerField(
        "closing days",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The last days of a cycle in which key results never checked in on are "
        "called out.",
    )
    max_nesting_depth = models.PositiveSmallIntegerField(
        "alignment levels, at most",
        default=4,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="Levels from a company objective (level 1) down before a chain is too deep.",
    )
    min_objectives_team = models.PositiveSmallIntegerField(
        "objectives per team, at least",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="A team with fewer team objectives in a cycle gets a nudge.",
    )
    rating_attainment_correlation = models.FloatField(
        "rating and attainment correlation",
        default=0.9,
        validators=[MinValueValidator(0.5), MaxValueValidator(1.0)],
        help_text="Ratings correlated with OKR attainment at least this much (0.5-1.0) look "
        "like a formula.",
    )
    rating_attainment_min_people = models.PositiveSmallIntegerField(
        "reviewed people for the correlation",
        default=8,
        validators=[MinValueValidator(3), MaxValueValidator(1000)],
        help_text="The correlation is only read across at least this many reviewed people.",
    )

    class Meta:
        verbose_name = "organisation"
        constraints = [
            models.CheckConstraint(
                condition=Q(pace_off_track__lte=F("pace_on_track")),
                name="organisation_pace_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_key_results__lte=F("max_key_results"))
                & Q(min_key_results_company__lte=F("max_key_results_company")),
                name="organisation_key_result_limits_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        org = cls.objects.order_by("pk").first()
        if org is None:
            org = cls.objects.create()
        return org


class PersonManager(UserManager["Person"]):
    pass


class Person(AbstractUser):
    """A member of the organisation with a login account."""

    display_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # "/<root id>/.../<manager id>/": ids of everyone above this person, top first.
    manager_path = models.CharField(max_length=1000, default="/", db_index=True, editable=False)
    is_hr_admin = models.BooleanField(
        "HR admin", default=False, help_text="Sees and amends every review, rating and OKR."
    )
    is_executive = models.BooleanField(default=False)
    # The identity provider's own id for this person (SCIM ``externalId``), blank if none.
    external_id = models.CharField(max_length=200, blank=True, db_index=True)
    break_glass = models.BooleanField(
        "break-glass admin",
        default=False,
        help_text="An HR admin who may still sign in with a password while sign-in is single "
        "sign-on only.",
    )
    # When the person's row last changed, for integrations reading only what changed
    # (``updated_since``); writes that bypass ``save()`` set it themselves.
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonManager()  # type: ignore[misc]

    class Meta:
        ordering = ["display_name", "username"]
        verbose_name = "person"
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["updated_at", "id"], name="person_updated")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_from(self.display_name, self.first_name, self.last_name, self.username)

    @staticmethod
    def name_from(
        display: str | None, first: str | None, last: str | None, username: str | None
    ) -> str:
        """How a person is named, from the columns themselves (for rows read without the
        model): the display name, else the full name, else the username."""
        return display or f"{first or ''} {last or ''}".strip() or username or ""

    @property
    def chain_ids(self) -> list[int]:
        """Ids of this person's managers, nearest first."""
        return [int(part) for part in reversed(self.manager_path.strip("/").split("/")) if part]

    @property
    def subtree_prefix(self) -> str:
        """Prefix of ``manager_path`` shared by everyone who reports (directly or not) to me."""
        return f"{self.manager_path}{self.pk}/"

    def roles(self) -> list[str]:
        roles = ["employee"]
        if self.reports.exists():
            roles.append("manager")
        if self.is_hr_admin:
            roles.append("hr_admin")
        if self.is_executive:
            roles.append("executive")
        return roles


class Team(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        DEPARTMENT = "department", "Department"
        TEAM = "team", "Team"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<root id>/.../<parent id>/": ids of the enclosing teams, outermost first.
    path = models.CharField(max_length=1000, default="/", db_index=True, editable=False)
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams_led"
    )
    members = models.ManyToManyField(Person, through="Membership", related_name="teams")
    check_in_cadence = models.CharField(
        max_length=10,
        choices=[(c.value, c.label) for c in Cadence],
        blank=True,
        help_text="Blank: the cycle's cadence applies to the key results its members own.",
    )
    # The identity provider's own id for this group (SCIM ``externalId``), blank if none.
    external_id = models.CharField(max_length=200, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)  # as the person's

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["updated_at", "id"], name="team_updated")]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def subtree_prefix(self) -> str:
        return f"{self.path}{self.pk}/"


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "team"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team}"


class SignInSession(models.Model):
    """One signed-in browser session of a person: listed on their sessions page, and ended
    there (``ended_at``), at sign-out, or when their password changes.

    The session's data stays in Django's session store; this row carries what the owner needs
    to recognise it and is looked up by its id, which the session itself holds.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_sessions"
    )
    session_key = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} since {self.started_at:%Y-%m-%d %H:%M}"


class ScimToken(models.Model):
    """A bearer token for an identity provider's provisioning (SCIM 2.0), made and revoked by
    HR. It opens ``/scim/v2/`` and nothing else (and no personal API token opens that). Only
    its SHA-256 is stored; the token is shown once."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scim_tokens_created",
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scim_tokens_revoked",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "SCIM token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"


class IdentityProvider(models.Model):
    """An OpenID Connect provider people sign in with (single sign-on), set up by HR.

    The endpoints come from the issuer's discovery document, read when HR saves the
    provider. The client secret is kept encrypted (``people.sso.secrets``) and never shown.
    """

    class Kind(models.TextChoices):
        ENTRA = "entra", "Microsoft Entra ID"
        GOOGLE = "google", "Google Workspace"
        OKTA = "okta", "Okta"
        OIDC = "oidc", "Another OpenID Connect provider"

    class ClientAuth(models.TextChoices):
        BASIC = "client_secret_basic", "HTTP Basic (client_secret_basic)"
        POST = "client_secret_post", "In the request body (client_secret_post)"

    name = models.CharField(max_length=100, help_text='Shown as "Sign in with <name>".')
    slug = models.SlugField(max_length=50, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OIDC)
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    client_auth = models.CharField(
        max_length=30, choices=ClientAuth.choices, default=ClientAuth.BASIC
    )
    scopes = models.CharField(max_length=300, default="openid email profile")
    trust_email = models.BooleanField(
        "trust its email addresses",
        default=False,
        help_text="Accept an email address the provider does not mark as verified "
        "(email_verified). Only for a provider that holds the organisation's own directory, "
        "such as Microsoft Entra ID, which often leaves the claim out.",
    )
    allowed_domains = models.CharField(
        max_length=500,
        blank=True,
        help_text="Email domains accepted from this provider, separated by spaces; empty for any.",
    )
    create_people = models.BooleanField(
        "add people on first sign-in",
        default=False,
        help_text="Someone unknown who signs in is added, in the holding team.",
    )
    holding_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enabled = models.BooleanField(default=True)
    # From the discovery document.
    authorization_endpoint = models.URLField(max_length=500, blank=True)
    token_endpoint = models.URLField(max_length=500, blank=True)
    jwks_uri = models.URLField(max_length=500, blank=True)
    userinfo_endpoint = models.URLField(max_length=500, blank=True)
    discovered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "identity provider"
        constraints = [
            models.CheckConstraint(
                condition=Q(create_people=False) | Q(holding_team__isnull=False),
                name="identity_provider_holding_team",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def domains(self) -> list[str]:
        return [d.lower().lstrip("@") for d in self.allowed_domains.replace(",", " ").split()]
