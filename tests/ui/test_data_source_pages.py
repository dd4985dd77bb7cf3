"""The data source pages: connecting a key result from its page, syncing it by hand, the
provenance everyone who sees the key result reads; the secret never shown back."""

from __future__ import annotations

import pytest
from django.test import Client

from lineofsight.goals.models import CheckIn
from lineofsight.integrations.sources.models import DataSource

from .. import source_servers as s
from ..source_servers import SourceServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    with SourceServer() as running:
        yield running


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def form(server, **extra):
    return {
        "kind": "http_json",
        "schedule": "daily",
        "url": server.url("/metrics.json"),
        "json_path": "$.data.signups.total",
        "header_name": "X-Api-Key",
        "secret": s.API_KEY,
        **extra,
    }


def test_connect_sync_and_see_the_provenance(cast, cascade, server):
    kr = cascade.ava_legal
    ava = signed_in(cast.ava)
    page = ava.get(f"/key-results/{kr.pk}/source/").content.decode()
    assert "Connect a data source" in page
    objective_page = ava.get(f"/objectives/{kr.objective_id}/").content.decode()
    assert f'href="/key-results/{kr.pk}/source/"' in objective_page

    saved = ava.post(f"/key-results/{kr.pk}/source/", form(server))
    assert saved.status_code == 302
    page = ava.get(f"/key-results/{kr.pk}/source/").content.decode()
    assert "Connected: JSON at an address" in page and s.API_KEY not in page
    assert "A secret is stored." in page

    synced = ava.post(f"/key-results/{kr.pk}/source/sync/", follow=True).content.decode()
    assert "Read 1234: recorded." in synced
    check_in = CheckIn.objects.get(key_result=kr)
    assert check_in.value == 1234

    # Otto sees that it is connected and where the reading came from, not its settings.
    otto = signed_in(cast.otto)
    his = otto.get(f"/key-results/{kr.pk}/source/").content.decode()
    assert "Connected: JSON at an address" in his and "1234" in his
    assert "X-Api-Key" not in his and "Change the source" not in his and s.API_KEY not in his
    listed = otto.get(
        f"/objectives/{kr.objective_id}/sources/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "From JSON at 127.0.0.1/metrics.json: $.data.signups.total" in listed
    assert otto.post(f"/key-results/{kr.pk}/source/sync/").status_code == 403
    assert otto.post(f"/key-results/{kr.pk}/source/", form(server)).status_code == 403


def test_bad_input_is_shown_on_its_field_and_saves_nothing(cast, cascade, server):
    ava = signed_in(cast.ava)
    answer = ava.post(
        f"/key-results/{cascade.ava_legal.pk}/source/", form(server, json_path="", secret="")
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Enter the JSONPath to the number" in html
    assert "Enter the header value." in html
    assert not DataSource.objects.exists()


def test_a_failed_sync_is_shown_and_the_source_can_be_removed(cast, cascade, server):
    kr = cascade.ava_legal
    ava = signed_in(cast.ava)
    ava.post(f"/key-results/{kr.pk}/source/", form(server, secret="wrong-key"))
    shown = ava.post(f"/key-results/{kr.pk}/source/sync/", follow=True).content.decode()
    assert "The read failed: The source answered 401." in shown
    assert "Failed 1 time in a row" in shown and "wrong-key" not in shown
    assert not CheckIn.objects.filter(key_result=kr).exists()
    ava.post(f"/key-results/{kr.pk}/source/remove/")
    assert not DataSource.objects.exists()


def test_the_settings_list_shows_the_sources_one_manages(cast, cascade, server):
    signed_in(cast.ava).post(f"/key-results/{cascade.ava_legal.pk}/source/", form(server))
    assert (
        cascade.ava_legal.title
        in signed_in(cast.sam).get("/settings/data-sources/").content.decode()
    )
    assert cascade.ava_legal.title not in (
        signed_in(cast.otto).get("/settings/data-sources/").content.decode()
    )
