"""The pure parts of outbound webhooks: signatures, receivers' addresses, events, jitter."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from lineofsight.integrations.outbound import addresses, signing
from lineofsight.integrations.outbound.events import EVENT_NAMES, clean_events
from lineofsight.integrations.retry import jittered

SECRET = "whsec_test"
BODY = b'{"event":"ping"}'


def test_the_signature_is_the_hmac_of_time_dot_body():
    header = signing.signature_header(SECRET, 1_700_000_000, BODY)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert signing.verify(SECRET, header, BODY, now=1_700_000_100) == 1_700_000_000


@pytest.mark.parametrize(
    ("header", "now", "message"),
    [
        ("", 1_700_000_000, "malformed"),
        ("t=abc,v1=00", 1_700_000_000, "malformed"),
        ("t=1700000000", 1_700_000_000, "malformed"),
        ("t=1700000000,v1=00", 1_700_000_000, "does not match"),
        (None, 1_700_000_301, "tolerance"),  # a replay five minutes later
        (None, 1_699_999_699, "tolerance"),  # from the future
    ],
)
def test_a_bad_or_old_signature_is_refused(header, now, message):
    header = header if header is not None else signing.signature_header(SECRET, 1_700_000_000, BODY)
    with pytest.raises(signing.InvalidSignature, match=message):
        signing.verify(SECRET, header, BODY, now=now)


def test_the_timestamp_is_signed_too():
    good = signing.signature_header(SECRET, 1_700_000_000, BODY)
    moved = good.replace("t=1700000000", "t=1700000200")
    with pytest.raises(signing.InvalidSignature, match="does not match"):
        signing.verify(SECRET, moved, BODY, now=1_700_000_200)


def resolver(*found: str):
    return lambda host, port: list(found)


def missing(host, port):
    raise OSError("no such host")


@pytest.mark.parametrize(
    ("url", "found", "problem"),
    [
        ("https://hooks.example.org/in", ("93.184.216.34",), None),
        ("https://[2606:2800:220:1::1]/in", ("2606:2800:220:1::1",), None),
        ("http://hooks.example.org/in", ("93.184.216.34",), "https://"),
        ("ftp://hooks.example.org/in", ("93.184.216.34",), "https://"),
        ("https://user:pw@hooks.example.org/", ("93.184.216.34",), "user name"),
        ("https://intranet.example.org/", ("10.1.2.3",), "private network"),
        ("https://router.example.org/", ("192.168.0.1",), "private network"),
        ("https://cgnat.example.org/", ("100.64.0.9",), "private network"),
        ("https://metadata.example.org/", ("169.254.169.254",), "link-local"),
        ("https://v6local.example.org/", ("fe80::1",), "link-local"),
        ("https://mapped.example.org/", ("::ffff:127.0.0.1",), "loopback"),
        ("https://localhost/", ("127.0.0.1",), "loopback"),
        ("https://zero.example.org/", ("0.0.0.0",), "reserved"),  # noqa: S104
        ("https://mixed.example.org/", ("93.184.216.34", "10.0.0.1"), "private network"),
        ("", (), "Enter"),
        ("https://exa mple.org/", (), "spaces"),
    ],
)
def test_addresses(url, found, problem):
    got = addresses.url_problem(url, resolver=resolver(*found))
    assert (got is None) if problem is None else (problem in (got or "")), got


def test_a_name_that_does_not_resolve_is_refused():
    assert "cannot be found" in addresses.url_problem("https://nowhere.invalid/", resolver=missing)


def test_the_settings_relax_loopback_and_private_networks_never_link_local():
    local = resolver("127.0.0.1")
    assert (
        addresses.url_problem("http://127.0.0.1:8000/h", allow_local=True, resolver=local) is None
    )
    assert (
        addresses.url_problem("http://localhost:8000/h", allow_local=True, resolver=local) is None
    )
    # Plain http only for loopback, even when allowed.
    public = resolver("93.184.216.34")
    assert "https://" in addresses.url_problem(
        "http://hooks.example.org/", allow_local=True, resolver=public
    )
    private = resolver("10.1.2.3")
    assert addresses.url_problem("https://in.corp/", allow_private=True, resolver=private) is None
    link = resolver("169.254.169.254")
    assert "link-local" in addresses.url_problem(
        "https://m.corp/", allow_local=True, allow_private=True, resolver=link
    )


def test_events_are_cleaned_into_catalogue_order():
    assert clean_events(["cycle.closed", "check_in.recorded", "cycle.closed"]) == (
        ["check_in.recorded", "cycle.closed"],
        None,
    )
    assert clean_events([])[1] == "Choose at least one event."
    assert "'everything'" in (clean_events(["everything"])[1] or "")
    assert len(EVENT_NAMES) == 9


@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.5, 0.75, 1.0, -3, 7])
def test_jitter_stays_within_a_fifth_either_way(fraction):
    assert 48 <= jittered(60, fraction) <= 72
    assert jittered(60, 0.5) == 60
