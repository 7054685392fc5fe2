"""A commenter's own comment: edit within the window while it has no replies (judged again
by the policy), delete (gone, or a placeholder keeping replies), and "remember me"."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.editing import editable_until
from comments.models import Comment, CommentRevision
from comments.posting import withdraw_comment
from comments.viewer import DETAILS_COOKIE
from tests.factories import BlockedTermFactory, CommentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest(post, post_url, guest_data):
    """A browser that posted one guest comment; returns (client, comment)."""
    client = Client()
    assert client.post(post_url, guest_data).status_code == 302
    return client, Comment.objects.latest("pk")


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


def delete_url(comment):
    return reverse("comments:delete", args=[comment.pk])


def test_a_guest_edits_their_comment_from_the_browser_that_posted_it(guest):
    client, comment = guest
    form = client.get(edit_url(comment))
    assert form.status_code == 200
    assert "A first comment." in form.content.decode()
    response = client.post(edit_url(comment), {"body": "A first comment, fixed."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "A first comment, fixed." and comment.edited_at is not None
    assert comment.status == Comment.Status.APPROVED
    assert list(comment.revisions.values_list("body", flat=True)) == [
        "A first comment.\n\nWith two paragraphs."
    ]
    page = BeautifulSoup(client.get(comment.post.get_absolute_url()).content, "html.parser")
    article = page.find(id=f"comment-{comment.pk}")
    assert article.select_one(".comment-edited").get_text() == "edited"
    assert "A first comment, fixed." in article.get_text()


def test_the_post_page_offers_edit_and_delete_only_to_the_author(guest):
    client, comment = guest
    own = client.get(comment.post.get_absolute_url()).content.decode()
    assert f'href="{edit_url(comment)}"' in own and f'href="{delete_url(comment)}"' in own
    stranger = Client().get(comment.post.get_absolute_url()).content.decode()
    assert edit_url(comment) not in stranger


def test_another_browser_or_another_guest_cannot_edit(guest, post):
    client, comment = guest
    for other in (Client(), Client()):
        # Even with a commenter token for the same e-mail address (typed by someone else).
        response = other.post(edit_url(comment), {"body": "Hijacked."})
        assert response.status_code == 403
        assert "Only the author" in response.content.decode()
    someone_else = CommentFactory(post=post, stored=True)
    assert client.post(edit_url(someone_else), {"body": "Mine now."}).status_code == 403
    comment.refresh_from_db()
    someone_else.refresh_from_db()
    assert comment.body.startswith("A first comment.") and someone_else.body != "Mine now."
    assert not CommentRevision.objects.exists()


def test_an_edit_after_the_window_is_refused(guest, settings):
    client, comment = guest
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES + 1)
    )
    response = client.post(edit_url(comment), {"body": "Too late."})
    assert response.status_code == 403
    assert "first 15 minutes" in response.content.decode()
    assert client.post(delete_url(comment)).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body != "Too late."


def test_a_comment_with_a_reply_can_no_longer_be_changed(guest):
    client, comment = guest
    CommentFactory(parent=comment, stored=True)
    response = client.post(edit_url(comment), {"body": "Changed under a reply."})
    assert response.status_code == 403 and "has replies" in response.content.decode()
    assert client.post(delete_url(comment)).status_code == 403


def test_an_empty_edit_is_a_400_with_the_text_kept(guest):
    client, comment = guest
    response = client.post(edit_url(comment), {"body": "   "})
    assert response.status_code == 400
    assert "Please keep some text" in response.content.decode()


def test_an_edit_that_adds_links_goes_back_to_the_queue(guest, settings):
    client, comment = guest
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    links = " ".join(f"https://spam{n}.example/" for n in range(4))
    response = client.post(edit_url(comment), {"body": f"Buy now {links}"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert any(text.startswith("After an edit:") for text in comment.reason_texts)
    comment.post.refresh_from_db()
    assert comment.post.comment_count == 0
    # Its author still sees it, marked as waiting.
    page = client.get(comment.post.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation." in page


def test_an_edit_with_a_blocked_word_goes_back_to_the_queue(guest, settings):
    client, comment = guest
    settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
    BlockedTermFactory(phrase="scoundrel", action="pending")
    client.post(edit_url(comment), {"body": "You scoundrel."})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_signed_in_author_edits_from_any_browser(post):
    user = UserFactory()
    comment = CommentFactory(post=post, user=user, name="", stored=True)
    other_browser = Client()
    other_browser.force_login(user)
    assert other_browser.post(edit_url(comment), {"body": "Edited."}).status_code == 302
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.post(edit_url(comment), {"body": "Nope."}).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "Edited."


def test_moderators_see_the_earlier_text_on_the_comments_admin_page(guest):
    client, comment = guest
    client.post(edit_url(comment), {"body": "Second version."})
    staff = Client()
    staff.force_login(StaffFactory())
    page = staff.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "earlier texts" in text.lower()
    assert "With two paragraphs." in text


def test_deleting_a_comment_without_replies_removes_it(guest):
    client, comment = guest
    assert "Delete your comment?" in client.get(delete_url(comment)).content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()  # asking changes nothing
    assert client.post(delete_url(comment)).status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    comment.post.refresh_from_db()
    assert comment.post.comment_count == 0


def test_a_deleted_comment_with_replies_leaves_a_placeholder(guest):
    """A reply that arrives between the author's check and the delete is kept: the delete
    looks again under the post's lock."""
    client, comment = guest
    reply = CommentFactory(parent=comment, stored=True)
    assert withdraw_comment(comment) == "placeholder"
    page = BeautifulSoup(client.get(comment.post.get_absolute_url()).content, "html.parser")
    assert (
        page.find(id=f"comment-{comment.pk}").select_one(".comment-placeholder-text").get_text()
        == "This comment was deleted by its author"
    )
    assert page.find(id=f"comment-{reply.pk}") is not None
    comment.post.refresh_from_db()
    assert comment.post.comment_count == 1


def test_remember_me_stores_details_only_with_consent_and_prefills_the_form(
    post, post_url, guest_data
):
    client = Client()
    client.post(post_url, guest_data)
    assert DETAILS_COOKIE not in client.cookies or not client.cookies[DETAILS_COOKIE].value
    client.post(
        post_url,
        {
            **guest_data,
            "body": "Again.",
            "remember": "on",
            "notify": "on",
            "url": "https://z.example",
        },
    )
    assert client.cookies[DETAILS_COOKIE].value
    form = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    assert form.find("input", {"name": "name"})["value"] == "Zoë Marsh"
    assert form.find("input", {"name": "email"})["value"] == "zoe@example.com"
    assert form.find("input", {"name": "url"})["value"] == "https://z.example"
    assert form.find("input", {"name": "remember"}).has_attr("checked")
    assert form.find("input", {"name": "notify"}).has_attr("checked")
    # Unticking it forgets them.
    client.post(post_url, {**guest_data, "body": "Third."})
    form = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    assert not form.find("input", {"name": "name"}).get("value")


def test_a_forged_remember_cookie_is_ignored(post):
    client = Client()
    client.cookies[DETAILS_COOKIE] = '{"name":"Mallory"}'
    form = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    assert not form.find("input", {"name": "name"}).get("value")


def test_signed_in_users_never_type_their_details(post):
    client = Client()
    client.force_login(UserFactory())
    form = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    for name in ("name", "email", "url", "remember"):
        assert form.find("input", {"name": name}) is None
    assert form.find("input", {"name": "notify"}) is not None


def test_the_own_comments_box_costs_one_query_and_nothing_without_the_cookie(guest, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.POST_PAGE_CACHE_SECONDS = 0  # the stranger's page as drawn, not kept whole
    client, comment = guest
    url = comment.post.get_absolute_url()
    client.get(url)
    Client().get(url)  # warm caches
    with CaptureQueriesContext(connection) as own:
        client.get(url)
    with CaptureQueriesContext(connection) as stranger:
        Client().get(url)
    own_sql = [q["sql"] for q in own.captured_queries]
    stranger_sql = [q["sql"] for q in stranger.captured_queries]
    # The author's page runs the stranger's queries, its session look-up, and one more.
    extra = [sql for sql in own_sql if sql not in stranger_sql]
    assert len([sql for sql in extra if "comments_comment" in sql]) == 1


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/Anchorage"])
def test_your_comments_give_the_times_in_the_sites_time_zone(guest, settings, zone):
    """The "Your comments" box says when each comment was made and until when it can be
    changed in the site's time zone, with the moment itself in ISO 8601."""
    settings.TIME_ZONE = zone
    client, comment = guest
    page = BeautifulSoup(client.get(comment.post.get_absolute_url()).content, "html.parser")
    item = page.select_one(".own-comments li")
    made = timezone.localtime(comment.created_at, timezone.get_default_timezone())
    assert f"Your comment of {made:%H:%M}" in item.get_text(" ", strip=True)
    until = item.select_one(".own-until time")
    ends = timezone.localtime(editable_until(comment), timezone.get_default_timezone())
    assert until.get_text() == f"{ends:%H:%M}"
    assert until["datetime"] == ends.isoformat()
    assert item.select_one(f'a[href="{edit_url(comment)}"]')
    assert item.select_one(f'a[href="{delete_url(comment)}"]')
