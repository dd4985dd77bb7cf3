"""Single sign-on, end to end against a real OpenID Connect provider (``tests/oidc_provider``:
django-oauth-toolkit in its own server process, with an RSA key made for the run).

The browser's part at Line of Sight is Django's test client; at the provider it is a
``requests`` session (signing in there over HTTP, then following the authorisation request).
Line of Sight's back channel (discovery, the token exchange, the JWKS) goes over HTTP to the
provider. Nothing of the protocol is replaced: a refused token here is a real, signed token
from a provider application set up to issue it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.people import accounts, actions
from lineofsight.people.models import IdentityProvider, Membership, Person, SignInSession
from lineofsight.people.sso import actions as sso
from lineofsight.people.sso import secrets
from tests.oidc_provider import server
from tests.oidc_provider import world as seed

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("oidc")]

CALLBACK = "http://testserver/login/sso/callback/"


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.Provider]:
    provider = server.start(tmp_path_factory.mktemp("oidc-provider"), CALLBACK)
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"


def add_provider(
    idp: server.Provider, client_id: str = "line-of-sight", **options
) -> IdentityProvider:
    data = sso.ProviderInput(
        name=options.pop("name", "Test Identity"),
        slug=client_id,
        issuer=idp.issuer,
        client_id=client_id,
        client_secret=seed.SECRET,
        **options,
    )
    return sso.save_provider(acting_user=None, provider=None, data=data)


def person(username: str, email: str, **extra) -> Person:
    return actions.create_person(
        acting_user=None, username=username, display_name=username.title(), email=email, **extra
    )


def at_provider(idp: server.Provider, authorize_url: str, username: str) -> str:
    """Sign in at the provider as ``username`` and follow the authorisation request; the
    address the provider sends the browser back to."""
    browser = requests.Session()
    signed_in = browser.post(
        f"{idp.url}/login/", data={"username": username, "password": seed.PASSWORD}, timeout=10
    )
    assert signed_in.status_code == 200, signed_in.text
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    back = answer.headers["Location"]
    assert back.startswith(CALLBACK), back
    return back


def sign_in(
    client: Client,
    idp: server.Provider,
    slug: str,
    username: str,
    tamper: Callable[[str], str] | None = None,
):
    start = client.get(f"/login/sso/{slug}/")
    assert start.status_code == 302
    url = start["Location"]
    back = at_provider(idp, tamper(url) if tamper else url, username)
    return client.get(back.removeprefix("http://testserver"))


def with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def signed_in_as(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def unchanged(before: tuple[int, int, int]) -> bool:
    return (
        Person.objects.count(),
        AuditEvent.objects.count(),
        SignInSession.objects.count(),
    ) == before


def counts() -> tuple[int, int, int]:
    return (Person.objects.count(), AuditEvent.objects.count(), SignInSession.objects.count())


# -- discovery ------------------------------------------------------------------------------


def test_saving_a_provider_reads_its_discovery_document(idp):
    provider = add_provider(idp)
    assert provider.issuer == idp.issuer
    assert provider.authorization_endpoint == f"{idp.issuer}/authorize/"
    assert provider.token_endpoint == f"{idp.issuer}/token/"
    assert provider.jwks_uri == f"{idp.issuer}/.well-known/jwks.json"
    assert provider.discovered_at is not None
    # The secret is kept encrypted, readable with the server's key alone.
    assert seed.SECRET not in provider.client_secret_encrypted
    assert secrets.decrypt(provider.client_secret_encrypted) == seed.SECRET
    entry = AuditEvent.objects.get(action="sso_provider.create")
    assert entry.subject_id == provider.pk
    assert seed.SECRET not in str(entry.data)


@pytest.mark.parametrize(
    ("issuer", "words"),
    [
        ("unreachable", "could not be reached"),
        ("root", "answered 404"),
        ("other", "names the issuer"),
        ("ftp://example.com/o", "http:// or https:// address"),
    ],
)
def test_an_issuer_that_does_not_answer_rightly_is_refused_and_nothing_is_saved(idp, issuer, words):
    closed = server._free_port()
    given = {
        "unreachable": f"http://127.0.0.1:{closed}/o",
        "root": idp.url,
        # The same server under another name: the document names another issuer.
        "other": idp.issuer.replace("127.0.0.1", "localhost"),
    }.get(issuer, issuer)
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        sso.save_provider(
            acting_user=None,
            provider=None,
            data=sso.ProviderInput(name="Broken", issuer=given, client_id="x", client_secret="s"),
        )
    assert words in refused.value.errors["issuer"][0]
    assert not IdentityProvider.objects.exists()
    assert unchanged(before)


def test_only_hr_sets_up_providers(cast, idp):
    with pytest.raises(NotAllowed):
        sso.save_provider(
            acting_user=cast.ava,
            provider=None,
            data=sso.ProviderInput(name="X", issuer=idp.issuer, client_id="x", client_secret="s"),
        )
    assert not IdentityProvider.objects.exists()


# -- the code flow --------------------------------------------------------------------------


def test_a_person_signs_in_with_the_code_flow_and_pkce(idp):
    add_provider(idp)
    ava = person("ava", "Ava.Adams@example.com")
    client = Client()
    start = client.get("/login/sso/line-of-sight/?next=/objectives/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{idp.issuer}/authorize/?")
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    (entry,) = client.session["oidc_states"].values()
    verifier = entry["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert query["code_challenge"] == [challenge.decode().rstrip("=")]
    assert query["nonce"] == [entry["nonce"]]

    back = at_provider(idp, start["Location"], "ava")
    done = client.get(back.removeprefix("http://testserver"))
    assert done.status_code == 302 and done["Location"] == "/objectives/"
    assert signed_in_as(client) == ava.pk
    assert client.session["los_sso_provider"] == IdentityProvider.objects.get().pk
    assert SignInSession.objects.filter(person=ava).count() == 1
    assert client.get("/").status_code == 200

    # The same answer again (a replay) is refused: its state was used.
    other = Client()
    replay = other.get(back.removeprefix("http://testserver"))
    assert replay.status_code == 400
    assert signed_in_as(other) is None


@pytest.mark.parametrize("state", ["forged-state", ""])
def test_a_callback_with_a_forged_or_missing_state_changes_nothing(idp, state):
    add_provider(idp)
    person("ava", "ava.adams@example.com")
    client = Client()
    client.get("/login/sso/line-of-sight/")  # a sign-in started, with its own state
    before = counts()
    answer = client.get("/login/sso/callback/", {"code": "anything", "state": state})
    assert answer.status_code == 400
    assert "was not started from this browser" in answer.content.decode()
    assert signed_in_as(client) is None
    assert unchanged(before)
    assert len(client.session["oidc_states"]) == 1  # the real one still waits


def test_a_changed_pkce_challenge_makes_the_provider_refuse_the_code(idp):
    add_provider(idp)
    person("ava", "ava.adams@example.com")
    client = Client()
    before = counts()
    fake = base64.urlsafe_b64encode(hashlib.sha256(b"x" * 64).digest()).decode().rstrip("=")
    answer = sign_in(
        client, idp, "line-of-sight", "ava", lambda u: with_param(u, "code_challenge", fake)
    )
    assert answer.status_code == 400
    assert "refused to exchange the sign-in code" in answer.content.decode()
    assert signed_in_as(client) is None
    assert unchanged(before)


def test_an_id_token_with_another_nonce_is_refused(idp):
    add_provider(idp)
    person("ava", "ava.adams@example.com")
    client = Client()
    before = counts()
    answer = sign_in(client, idp, "line-of-sight", "ava", lambda u: with_param(u, "nonce", "n"))
    assert answer.status_code == 400
    assert "nonce differs" in answer.content.decode()
    assert signed_in_as(client) is None
    assert unchanged(before)


@pytest.mark.parametrize(
    ("client_id", "words"),
    [
        ("line-of-sight-expired", "has expired"),
        ("line-of-sight-audience", "issued for another application"),
        ("line-of-sight-forged", "not signed by one of its keys"),
    ],
)
def test_a_faulty_id_token_is_refused(idp, client_id, words):
    add_provider(idp, client_id)
    person("ava", "ava.adams@example.com")
    client = Client()
    before = counts()
    answer = sign_in(client, idp, client_id, "ava")
    assert answer.status_code == 400
    assert words in answer.content.decode()
    assert signed_in_as(client) is None
    assert unchanged(before)


def test_the_provider_answering_with_an_error_is_shown(idp):
    add_provider(idp)
    client = Client()
    start = client.get("/login/sso/line-of-sight/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    answer = client.get(
        "/login/sso/callback/",
        {"state": state, "error": "access_denied", "error_description": "User cancelled"},
    )
    assert answer.status_code == 400
    assert "access_denied: User cancelled" in answer.content.decode()
    assert signed_in_as(client) is None


def test_an_answer_naming_another_issuer_is_refused(idp):
    add_provider(idp)
    person("ava", "ava.adams@example.com")
    client = Client()
    start = client.get("/login/sso/line-of-sight/")
    back = at_provider(idp, start["Location"], "ava")
    before = counts()
    # The provider's own answer, said to come from another issuer (RFC 9207's ``iss``).
    answer = client.get(
        with_param(back, "iss", "https://elsewhere.example").removeprefix("http://testserver")
    )
    assert answer.status_code == 400
    assert "did not come from Test Identity" in answer.content.decode()
    assert signed_in_as(client) is None
    assert unchanged(before)


def test_a_secret_the_server_can_no_longer_read_stops_sign_in_with_a_clear_message(idp, settings):
    add_provider(idp)
    person("ava", "ava.adams@example.com")
    settings.SECRET_KEY = "another-secret-key-without-the-old-one-as-a-fallback"
    client = Client()
    answer = sign_in(client, idp, "line-of-sight", "ava")
    assert answer.status_code == 503
    assert "HR must enter it again" in answer.content.decode()
    assert signed_in_as(client) is None


# -- who signs in ---------------------------------------------------------------------------


def test_an_unverified_email_address_is_refused(idp):
    add_provider(idp)
    person("una", "una.verified@example.com")
    client = Client()
    before = counts()
    answer = sign_in(client, idp, "line-of-sight", "una")
    assert answer.status_code == 403
    assert "has not verified the email address" in answer.content.decode()
    assert signed_in_as(client) is None
    assert unchanged(before)


def test_an_address_without_email_verified_signs_in_only_when_hr_trusts_the_provider(idp):
    provider = add_provider(idp)
    eli = person("eli", "eli.entra@example.com")
    refused = sign_in(Client(), idp, "line-of-sight", "entra")
    assert refused.status_code == 403
    provider.trust_email = True
    provider.save()
    client = Client()
    assert sign_in(client, idp, "line-of-sight", "entra").status_code == 302
    assert signed_in_as(client) == eli.pk


def test_someone_unknown_is_refused_without_adding_people(idp):
    add_provider(idp)
    client = Client()
    before = counts()
    answer = sign_in(client, idp, "line-of-sight", "newcomer")
    assert answer.status_code == 403
    assert "Nobody in Line of Sight has the address new.comer@example.com" in (
        answer.content.decode()
    )
    assert unchanged(before)


def test_someone_unknown_is_added_into_the_holding_team(idp):
    holding = actions.create_team(acting_user=None, name="New joiners", kind="team")
    add_provider(idp, create_people=True, holding_team=holding)
    client = Client()
    assert sign_in(client, idp, "line-of-sight", "newcomer").status_code == 302
    added = Person.objects.get(email="new.comer@example.com")
    assert signed_in_as(client) == added.pk
    assert added.username == "new.comer"
    assert added.name == "Newcomer Provider"
    assert not added.has_usable_password()
    assert Membership.objects.filter(person=added, team=holding).exists()
    assert AuditEvent.objects.filter(action="person.sso_create", subject_id=added.pk).exists()
    # The second time, the same person: nobody new.
    again = Client()
    sign_in(again, idp, "line-of-sight", "newcomer")
    assert signed_in_as(again) == added.pk
    assert Person.objects.filter(email__iexact="new.comer@example.com").count() == 1


def test_a_deactivated_person_cannot_sign_in(idp):
    add_provider(idp)
    gone = person("gone", "gone.away@example.com")
    actions.deactivate_person(acting_user=None, person=gone)
    client = Client()
    answer = sign_in(client, idp, "line-of-sight", "gone")
    assert answer.status_code == 403
    assert "is deactivated" in answer.content.decode()
    assert signed_in_as(client) is None


def test_addresses_outside_the_allowed_domains_are_refused(idp):
    add_provider(idp, allowed_domains="example.com")
    person("visitor", "visitor@elsewhere.org")
    client = Client()
    answer = sign_in(client, idp, "line-of-sight", "outsider")
    assert answer.status_code == 403
    assert "Addresses at elsewhere.org may not sign in" in answer.content.decode()
    assert signed_in_as(client) is None


def test_a_turned_off_provider_offers_no_sign_in(idp):
    provider = add_provider(idp)
    client = Client()
    start = client.get("/login/sso/line-of-sight/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    provider.enabled = False
    provider.save()
    assert client.get("/login/sso/line-of-sight/").status_code == 404
    answer = client.get("/login/sso/callback/", {"state": state, "code": "x"})
    assert answer.status_code == 400
    assert "turned off" in answer.content.decode()


def test_the_providers_second_factor_counts_for_hr_admins(idp, cast):
    from lineofsight.people import security

    add_provider(idp)
    cast.hana.email = "ava.adams@example.com"  # the provider's user "ava" is Hana here
    cast.hana.save()
    security.set_hr_second_factor_rule(acting_user=cast.hana, required=True)
    client = Client()
    sign_in(client, idp, "line-of-sight", "ava")
    assert signed_in_as(client) == cast.hana.pk
    assert client.get("/").status_code == 200  # not sent to set up an authenticator app


# -- single sign-on only ---------------------------------------------------------------------


def test_sso_only_needs_a_provider_and_a_break_glass_admin(cast, idp):
    with pytest.raises(InvalidInput, match="Add an identity provider"):
        sso.set_sso_only(acting_user=cast.hana, on=True)
    add_provider(idp)
    with pytest.raises(InvalidInput, match="break-glass"):
        sso.set_sso_only(acting_user=cast.hana, on=True)
    with pytest.raises(InvalidInput, match="not an active HR admin"):
        sso.set_break_glass(acting_user=cast.hana, person=cast.ava, on=True)
    with pytest.raises(NotAllowed):
        sso.set_break_glass(acting_user=cast.ava, person=cast.hana, on=True)
    sso.set_break_glass(acting_user=cast.hana, person=cast.hana, on=True)
    sso.set_sso_only(acting_user=cast.hana, on=True)
    assert AuditEvent.objects.filter(action="organisation.sso_only").count() == 1
    assert AuditEvent.objects.filter(action="person.break_glass").count() == 1
    with pytest.raises(InvalidInput, match="last break-glass admin"):
        sso.set_break_glass(acting_user=cast.hana, person=cast.hana, on=False)
    with pytest.raises(InvalidInput, match="last provider"):
        sso.delete_provider(acting_user=cast.hana, provider=IdentityProvider.objects.get())


def _sso_only(cast, idp) -> None:
    add_provider(idp)
    for who in (cast.ava, cast.hana):
        who.set_password("a-good-password-1")
        who.save()
    sso.set_break_glass(acting_user=cast.hana, person=cast.hana, on=True)
    sso.set_sso_only(acting_user=cast.hana, on=True)


def test_sso_only_turns_password_sign_in_off_but_for_break_glass_admins(cast, idp):
    _sso_only(cast, idp)
    page = Client().get("/login/").content.decode()
    assert "Sign in with Test Identity" in page
    assert "Break-glass administrators" in page

    ava = Client()
    refused = ava.post("/login/", {"username": "ava", "password": "a-good-password-1"})
    assert refused.status_code == 200
    assert "for break-glass administrators only" in refused.content.decode()
    assert signed_in_as(ava) is None
    # A wrong password reads the same: the form tells nobody who is break-glass.
    wrong = Client().post("/login/", {"username": "hana", "password": "not-it"})
    assert "for break-glass administrators only" in wrong.content.decode()

    hana = Client()
    allowed = hana.post("/login/", {"username": "hana", "password": "a-good-password-1"})
    assert allowed.status_code == 302
    assert signed_in_as(hana) == cast.hana.pk


def test_sso_only_sends_reset_links_to_break_glass_admins_alone(cast, idp):
    _sso_only(cast, idp)
    Client().post("/password-reset/", {"email": cast.ava.email})
    assert mail.outbox == []
    Client().post("/password-reset/", {"email": cast.hana.email})
    assert len(mail.outbox) == 1
    with pytest.raises(InvalidInput, match="only break-glass admins get password links"):
        accounts.send_password_reset(acting_user=cast.hana, person=cast.ava)


def test_sso_only_refuses_a_reset_link_sent_before_it(cast, idp):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    _sso_only(cast, idp)
    uid = urlsafe_base64_encode(force_bytes(cast.ava.pk))
    token = default_token_generator.make_token(cast.ava)
    client = Client()
    form = client.get(f"/password-reset/{uid}/{token}/", follow=True)
    url = form.redirect_chain[-1][0]
    answer = client.post(
        url, {"new_password1": "Another-pass-99", "new_password2": "Another-pass-99"}
    )
    assert "single sign-on only" in answer.content.decode()
    cast.ava.refresh_from_db()
    assert cast.ava.check_password("a-good-password-1")


def test_password_sign_in_works_as_before_without_sso_only(cast, idp):
    add_provider(idp)
    cast.ava.set_password("a-good-password-1")
    cast.ava.save()
    page = Client().get("/login/").content.decode()
    assert "Sign in with Test Identity" in page and "or with your username" in page
    client = Client()
    client.post("/login/", {"username": "ava", "password": "a-good-password-1"})
    assert signed_in_as(client) == cast.ava.pk


# -- HR's page and the API -------------------------------------------------------------------


def _form(idp: server.Provider, **changes) -> dict[str, str]:
    data = {
        "name": "Okta",
        "kind": "okta",
        "issuer": idp.issuer,
        "client_id": "line-of-sight",
        "client_secret": seed.SECRET,
        "client_auth": "client_secret_post",
        "scopes": "openid email profile",
        "slug": "",
        "allowed_domains": "example.com",
        "holding_team": "",
        "enabled": "on",
    }
    data.update(changes)
    return data


def test_hr_adds_changes_and_removes_a_provider_on_the_page(cast, idp):
    hr = Client()
    hr.force_login(cast.hana)
    assert "No provider yet" in hr.get("/organisation/sign-in/").content.decode()
    added = hr.post("/organisation/sign-in/providers/new/", _form(idp))
    assert added.status_code == 302
    provider = IdentityProvider.objects.get()
    assert (provider.slug, provider.kind, provider.allowed_domains) == (
        "okta",
        "okta",
        "example.com",
    )
    page = hr.get(f"/organisation/sign-in/providers/{provider.pk}/").content.decode()
    assert seed.SECRET not in page and provider.client_secret_encrypted not in page
    assert "Leave empty to keep it" in page
    # Saved again without a secret: the stored one stays.
    stored = provider.client_secret_encrypted
    hr.post(
        f"/organisation/sign-in/providers/{provider.pk}/",
        _form(idp, client_secret="", name="Okta SSO"),
    )
    provider.refresh_from_db()
    assert provider.name == "Okta SSO" and provider.client_secret_encrypted == stored
    change = AuditEvent.objects.get(action="sso_provider.update")
    assert change.data["name"] == {"from": "Okta", "to": "Okta SSO"}
    assert "Sign in with Okta SSO" in Client().get("/login/").content.decode()
    hr.post(f"/organisation/sign-in/providers/{provider.pk}/delete/")
    assert not IdentityProvider.objects.exists()
    assert AuditEvent.objects.filter(action="sso_provider.delete").exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"issuer": "https://127.0.0.1:1/nothing"}, "issuer", "could not be reached"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
        ({"scopes": "email"}, "scopes", "must include openid"),
        ({"allowed_domains": "not a domain!"}, "allowed_domains", "Not a domain"),
        ({"create_people": "on"}, "holding_team", "Choose the team"),
    ],
)
def test_bad_input_on_the_page_is_named_and_nothing_is_saved(cast, idp, changes, field, words):
    hr = Client()
    hr.force_login(cast.hana)
    before = AuditEvent.objects.count()
    answer = hr.post("/organisation/sign-in/providers/new/", _form(idp, **changes))
    assert answer.status_code == 422
    assert words in answer.context["form"].errors[field][0]
    assert not IdentityProvider.objects.exists()
    assert AuditEvent.objects.count() == before


def test_hr_turns_sso_only_on_with_a_break_glass_admin_on_the_page(cast, idp):
    add_provider(idp)
    hr = Client()
    hr.force_login(cast.hana)
    refused = hr.post("/organisation/sign-in/sso-only/", {"sso_only": "on"})
    assert refused.status_code == 422 and "break-glass" in refused.content.decode()
    bad = hr.post("/organisation/sign-in/break-glass/", {"username": "ava"})
    assert bad.status_code == 422 and "not an active HR admin" in bad.content.decode()
    assert hr.post("/organisation/sign-in/break-glass/", {"username": "hana"}).status_code == 302
    assert hr.post("/organisation/sign-in/sso-only/", {"sso_only": "on"}).status_code == 302
    page = hr.get("/organisation/sign-in/").content.decode()
    assert 'data-break-glass="hana"' in page
    last = hr.post(f"/organisation/sign-in/break-glass/{cast.hana.pk}/remove/")
    assert last.status_code == 422 and "last break-glass admin" in last.content.decode()
    assert hr.post("/organisation/sign-in/sso-only/", {}).status_code == 302
    assert hr.post(f"/organisation/sign-in/break-glass/{cast.hana.pk}/remove/").status_code == 302


def test_only_hr_opens_the_sign_in_settings(cast):
    client = Client()
    client.force_login(cast.sam)
    assert client.get("/organisation/sign-in/").status_code == 403
    assert client.post("/organisation/sign-in/sso-only/", {"sso_only": "on"}).status_code == 403


def test_hr_sets_up_sign_in_over_the_api(cast, idp):
    from lineofsight.core import tokens

    _, raw = tokens.create_token(acting_user=cast.hana, person=cast.hana, name="sso")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {
        "name": "Google Workspace",
        "kind": "google",
        "issuer": idp.issuer,
        "client_id": "line-of-sight",
        "client_secret": seed.SECRET,
        "allowed_domains": ["example.com"],
    }
    made = api.post("/api/identity-providers", body, content_type="application/json")
    assert made.status_code == 201, made.content
    out = made.json()
    assert out["has_client_secret"] is True and "client_secret" not in out
    assert seed.SECRET not in made.content.decode()
    assert out["redirect_uri"] == CALLBACK and out["slug"] == "google-workspace"
    bad = api.patch(
        f"/api/identity-providers/{out['id']}",
        {"issuer": idp.url},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "issuer" in bad.json()["errors"]
    changed = api.patch(
        f"/api/identity-providers/{out['id']}", {"enabled": False}, content_type="application/json"
    )
    assert changed.json()["enabled"] is False
    assert api.put(f"/api/sign-in/break-glass/{cast.hana.pk}").json()["break_glass"] == [
        cast.hana.pk
    ]
    refused = api.patch("/api/sign-in", {"sso_only": True}, content_type="application/json")
    assert refused.status_code == 422 and "sso_only" in refused.json()["errors"]
    api.patch(
        f"/api/identity-providers/{out['id']}", {"enabled": True}, content_type="application/json"
    )
    on = api.patch("/api/sign-in", {"sso_only": True}, content_type="application/json")
    assert on.json()["sso_only"] is True
    assert api.delete(f"/api/identity-providers/{out['id']}").status_code == 422

    _, ava_raw = tokens.create_token(acting_user=cast.ava, person=cast.ava, name="sso")
    ava = Client(HTTP_AUTHORIZATION=f"Bearer {ava_raw}")
    assert ava.get("/api/identity-providers").status_code == 403
    assert (
        ava.patch("/api/sign-in", {"sso_only": False}, content_type="application/json").status_code
        == 403
    )


def test_the_operator_turns_password_sign_in_back_on_from_the_command_line(cast, idp):
    from io import StringIO

    from django.core.management import call_command

    _sso_only(cast, idp)
    out = StringIO()
    call_command("sso", "status", stdout=out)
    assert "SSO only: on" in out.getvalue() and "break-glass admins: hana" in out.getvalue()
    call_command("sso", "password-sign-in", "on", stdout=out)
    assert "Everyone may sign in with a password again." in out.getvalue()
    entry = AuditEvent.objects.filter(action="organisation.sso_only").latest("pk")
    assert entry.actor_id is None and entry.data["sso_only"] == {"from": True, "to": False}
    client = Client()
    client.post("/login/", {"username": "ava", "password": "a-good-password-1"})
    assert signed_in_as(client) == cast.ava.pk
