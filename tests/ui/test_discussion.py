"""Discussion and the inbox through the browser's requests: threads render on the objective
page's fragment, on key results and on check-ins; outsiders get 404; mentions link to the
person and reach their inbox, whose count the navigation shows on every page."""

from __future__ import annotations

import pytest
from django.test import Client

from lineofsight.discussion import actions as talk
from lineofsight.discussion.models import Comment
from lineofsight.integrations.models import InboxItem

from ..discussion_world import build_world

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_the_objective_page_loads_its_thread_and_the_thread_renders(cast, world):
    talk.post_comment(acting_user=cast.ava, objective=world.private, body="Blocked on @sam")
    client = signed_in(cast.sam)
    page = client.get(f"/objectives/{world.private.pk}/").content.decode()
    assert f'hx-get="/discussion/objectives/{world.private.pk}/"' in page
    thread = client.get(f"/discussion/objectives/{world.private.pk}/", HTTP_HX_REQUEST="true")
    html = thread.content.decode()
    assert thread.status_code == 200
    assert "Blocked on" in html and "Ava Adams" in html
    assert f'<a class="mention" href="/people/{cast.sam.pk}/">@sam</a>' in html
    assert "<html" not in html  # a fragment for htmx
    whole = client.get(f"/discussion/objectives/{world.private.pk}/").content.decode()
    assert "<html" in whole and "Discussion: Close my first two enterprise deals" in whole


def test_outsiders_get_404_on_every_part_of_a_private_thread(cast, world):
    comment = talk.post_comment(acting_user=cast.ava, objective=world.private, body="Secret")
    client = signed_in(cast.pia)
    for url in (
        f"/discussion/objectives/{world.private.pk}/",
        f"/discussion/key-results/{world.private_kr.pk}/",
        f"/discussion/check-ins/{world.private_check_in.pk}/",
        f"/discussion/objectives/{world.private.pk}/mentions/?q=s",
        f"/comments/{comment.pk}/versions/",
        f"/comments/{comment.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/comments/{comment.pk}/react/", f"/comments/{comment.pk}/remove/"):
        assert client.post(url, {"emoji": "eyes"}).status_code == 404, url
    posted = client.post(f"/discussion/objectives/{world.private.pk}/", {"body": "hi"})
    assert posted.status_code == 404
    assert Comment.objects.count() == 1


def test_writing_a_comment_with_a_mention_tells_them_in_their_inbox(
    cast, world, django_capture_on_commit_callbacks
):
    client = signed_in(cast.ava)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/discussion/check-ins/{world.private_check_in.pk}/",
            {"body": "@sam could you call their counsel?"},
        )
    assert response.status_code == 302
    sam = signed_in(cast.sam)
    home = sam.get("/").content.decode()
    assert 'data-inbox-unread="1"' in home
    inbox = sam.get("/inbox/").content.decode()
    assert "Ava Adams mentioned you on" in inbox
    assert "could you call their counsel?" in inbox
    item = InboxItem.objects.get(recipient=cast.sam)
    opened = sam.post(f"/inbox/{item.pk}/open/")
    assert opened.status_code == 302
    assert opened["Location"].startswith(f"/discussion/check-ins/{world.private_check_in.pk}/")
    item.refresh_from_db()
    assert item.read_at is not None
    assert 'data-inbox-unread="' not in sam.get("/").content.decode()
    thread = sam.get(opened["Location"]).content.decode()
    assert "Legal review is slow on the second deal." in thread  # the note opens the thread


def test_a_mention_of_someone_who_cannot_see_it_is_refused_with_their_name(cast, world):
    response = signed_in(cast.ava).post(
        f"/discussion/objectives/{world.private.pk}/", {"body": "cc @dev"}
    )
    assert response.status_code == 422
    assert "Dev Diaz (@dev) cannot see this objective" in response.content.decode()
    assert not Comment.objects.exists()


def test_editing_shows_an_edited_marker_that_opens_the_versions(cast, world):
    comment = talk.post_comment(acting_user=cast.sam, objective=world.public, body="First take")
    client = signed_in(cast.sam)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Second take"})
    assert response.status_code == 302
    thread = signed_in(cast.pia).get(f"/discussion/objectives/{world.public.pk}/").content.decode()
    assert f'href="/comments/{comment.pk}/versions/"' in thread and "edited" in thread
    assert "Edit<span" not in thread  # Pia is not the author
    versions = signed_in(cast.pia).get(f"/comments/{comment.pk}/versions/").content.decode()
    assert "First take" in versions and "Second take" in versions


def test_removing_leaves_comment_removed_and_reactions_toggle(cast, world):
    comment = talk.post_comment(acting_user=cast.sam, objective=world.public, body="We did it")
    pia = signed_in(cast.pia)
    reacted = pia.post(
        f"/comments/{comment.pk}/react/", {"emoji": "party"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'aria-pressed="true"' in reacted and "Pia Park" in reacted
    assert signed_in(cast.sam).post(f"/comments/{comment.pk}/remove/").status_code == 302
    thread = pia.get(f"/discussion/objectives/{world.public.pk}/").content.decode()
    assert "Comment removed." in thread and "We did it" not in thread


def test_mention_suggestions_list_only_people_who_can_see_it(cast, world):
    html = (
        signed_in(cast.ava)
        .get(f"/discussion/objectives/{world.private.pk}/mentions/?q=s", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'data-username="sam"' in html
    html = (
        signed_in(cast.ava)
        .get(f"/discussion/objectives/{world.private.pk}/mentions/?q=p", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'data-username="pia"' not in html


def test_the_inbox_filters_unread_and_marks_all_read(
    cast, world, django_capture_on_commit_callbacks
):
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            talk.post_comment(acting_user=cast.ava, objective=world.public, body=f"@sam #{n}")
    sam = signed_in(cast.sam)
    assert sam.get("/inbox/?show=unread").content.decode().count('class="inbox-item') == 3
    assert sam.post("/inbox/read-all/").status_code == 302
    assert 'class="inbox-item' not in sam.get("/inbox/?show=unread").content.decode()
    assert sam.get("/inbox/").content.decode().count('class="inbox-item') == 3
    other = InboxItem.objects.filter(recipient=cast.sam).first()
    assert signed_in(cast.hana).post(f"/inbox/{other.pk}/open/").status_code == 404


def test_marking_one_read_in_place_updates_the_count_in_the_navigation(
    cast, world, django_capture_on_commit_callbacks
):
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            talk.post_comment(acting_user=cast.ava, objective=world.public, body=f"@sam {n}")
    item = InboxItem.objects.filter(recipient=cast.sam).first()
    html = (
        signed_in(cast.sam).post(f"/inbox/{item.pk}/read/", HTTP_HX_REQUEST="true").content.decode()
    )
    assert 'id="nav-inbox-count" class="nav-count" hx-swap-oob="true"' in html
    assert 'data-inbox-unread="1"' in html
    assert "inbox-item inbox-unread" not in html and "Mark read" not in html
