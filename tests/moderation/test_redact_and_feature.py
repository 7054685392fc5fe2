"""Redaction (a moderator edits a comment's text) and editors' picks (featured comments)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from comments.models import Comment
from moderation import actions
from moderation.models import ModerationEvent
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, stored_html

pytestmark = pytest.mark.django_db
Status = Comment.Status
Action = ModerationEvent.Action


@pytest.fixture
def moderator_client(client):
    client.force_login(ModeratorFactory())
    return client


def change_page(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def page_of(client, post):
    return BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")


# Redaction --------------------------------------------------------------------------------


def test_a_moderator_redacts_a_comment_the_original_stays_in_the_log(moderator_client, client):
    comment = CommentFactory(stored=True, body="Call me on 0612345678 any time.")
    response = moderator_client.post(
        change_page(comment),
        {
            "status": Status.APPROVED,
            "text": "Call me on [phone number removed] any time.",
            "moderation_note": "Phone number.",
        },
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Call me on [phone number removed] any time."
    assert comment.redacted and comment.edited_at
    event = ModerationEvent.objects.get()
    assert event.action == Action.REDACT
    assert event.previous_text == "Call me on 0612345678 any time."
    assert event.reason == "Phone number."

    shown = page_of(client, comment.post).select_one(f"#comment-{comment.pk}")
    assert "[phone number removed]" in shown.get_text()
    assert "0612345678" not in str(page_of(client, comment.post))
    assert shown.select_one(".comment-redacted").get_text(strip=True) == "edited by a moderator"
    log = moderator_client.get(change_page(comment)).content.decode()
    assert "Text edited by a moderator" in log


def test_redacting_goes_through_the_one_write_path_and_keeps_the_status(moderator_client):
    comment = CommentFactory(stored=True, status=Status.PENDING, body="Old text.")
    assert actions.redact(comment, "New text.", reason="")
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert "New text." in stored_html(comment) and "edited by a moderator" in stored_html(comment)
    assert not actions.redact(comment, "New text."), "no change, no log line"
    assert ModerationEvent.objects.count() == 1


def test_a_redaction_cannot_empty_a_comment(moderator_client):
    comment = CommentFactory(stored=True, body="Keep me.")
    response = moderator_client.post(
        change_page(comment), {"status": Status.APPROVED, "text": "   "}
    )
    assert response.status_code == 200
    assert "remove it instead" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Keep me."


# Editors' picks ---------------------------------------------------------------------------


def test_featured_comments_show_above_the_discussion_with_a_badge(moderator_client, client):
    post = PostFactory()
    plain = CommentFactory(stored=True, post=post, body="A plain comment.")
    root = CommentFactory(stored=True, post=post, body="A thread starter.")
    best = CommentFactory(stored=True, parent=root, name="Ines", body="The best reply here.")
    response = moderator_client.post(
        reverse("admin:comments_comment_desk"), {"do": f"feature:{best.pk}"}
    )
    assert response.status_code == 302
    page = page_of(client, post)
    section = page.select_one(".comments-featured")
    assert section.select_one("h3").get_text(strip=True) == "Featured"
    items = section.select("li")
    assert len(items) == 1 and "The best reply here." in items[0].get_text()
    assert items[0].select_one("a")["href"] == best.get_absolute_url()
    # The section comes before the discussion itself.
    assert str(page).index("comments-featured") < str(page).index("comment-list")
    assert page.select_one(f"#comment-{best.pk} .comment-featured-badge")
    assert not page.select_one(f"#comment-{plain.pk} .comment-featured-badge")
    # The link leads to the comment in its thread.
    followed = client.get(best.get_absolute_url())
    assert followed.url.endswith(f"#comment-{best.pk}")
    event = ModerationEvent.objects.get()
    assert (event.action, event.comment_pk) == (Action.FEATURE, best.pk)


@pytest.mark.parametrize("action", [Action.REMOVE, Action.HOLD, Action.SPAM])
def test_removing_or_holding_a_featured_comment_takes_it_out_of_the_section(client, action):
    post = PostFactory()
    pick = CommentFactory(stored=True, post=post, body="Once featured.")
    actions.feature(pick)
    assert page_of(client, post).select_one(".comments-featured")
    actions.moderate(Comment.objects.filter(pk=pick.pk), action)
    page = page_of(client, post)
    assert page.select_one(".comments-featured") is None
    assert "Once featured." not in page.get_text()


def test_only_a_published_comment_can_be_featured(moderator_client):
    held = CommentFactory(stored=True, status=Status.PENDING)
    with pytest.raises(ValueError, match="published"):
        actions.feature(held)
    response = moderator_client.post(
        reverse("admin:comments_comment_desk"),
        {"do": f"feature:{held.pk}"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    held.refresh_from_db()
    assert held.featured_at is None


def test_the_featured_first_order_lifts_threads_with_a_pick(client):
    post = PostFactory()
    first = CommentFactory(stored=True, post=post, body="First thread.")
    second = CommentFactory(stored=True, post=post, body="Second thread.")
    third = CommentFactory(stored=True, post=post, body="Third thread.")
    reply = CommentFactory(stored=True, parent=third, body="A featured reply.")
    actions.feature(reply)
    actions.feature(second)
    page = page_of(client, post)
    orders = [a.get_text(strip=True) for a in page.select(".comment-order a")]
    assert "Featured first" in orders
    html = client.get(post.get_absolute_url(), {"corder": "featured"}).content.decode()
    positions = [html.index(f'id="comment-{c.pk}"') for c in (second, third, first)]
    assert positions == sorted(positions), "threads with the newest pick come first"


def test_the_featured_first_order_is_offered_only_when_a_post_has_picks(client):
    post = PostFactory()
    CommentFactory.create_batch(2, stored=True, post=post)
    orders = [a.get_text(strip=True) for a in page_of(client, post).select(".comment-order a")]
    assert "Featured first" not in orders and "Oldest" in orders


def test_featuring_on_the_change_page_is_logged(moderator_client):
    comment = CommentFactory(stored=True)
    response = moderator_client.post(
        change_page(comment), {"status": Status.APPROVED, "text": comment.body, "featured": "on"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.featured_at is not None
    assert "Featured" in stored_html(comment)
    assert ModerationEvent.objects.get().action == Action.FEATURE


def test_a_superuser_saves_the_change_form_with_its_revision_inline(admin_client, client):
    """The form as a browser sends it, the read-only revisions inline's management form
    included (moderators without the revisions permission never get the inline)."""
    comment = CommentFactory(stored=True, body="Something rude.")
    form = BeautifulSoup(admin_client.get(change_page(comment)).content, "html.parser").select_one(
        "form#comment_form"
    )
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") not in ("checkbox", "submit")
    }
    data.update(status=Status.REMOVED, text=comment.body, moderation_note="Rude.")
    response = admin_client.post(change_page(comment), data)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    assert page_of(client, comment.post).select_one(f"#comment-{comment.pk} .comment-text") is None
