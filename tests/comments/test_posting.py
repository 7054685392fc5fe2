"""Posting a comment: guests and signed-in users, Post/Redirect/Get, the moderation policy."""

import time

import pytest
from django.core import signing
from django.test import Client, override_settings

from blog.models import Post
from comments.forms import TIMESTAMP_SALT, new_stamp
from comments.models import Comment
from comments.policy import Reason, Refusal, Verdict
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

SEEN = []


class SpyPolicy:
    """Records what the posting code passes to the policy, then approves with a reason."""

    def assess(self, submission):
        SEEN.append(submission)
        submission.pk_when_assessed = submission.comment.pk
        return Verdict(
            status="approved",
            reasons=[Reason("fine", "looked fine"), Reason("second", "second reason")],
        )

    def comments_open(self, post):
        return post.comments_open()


class FloodPolicy(SpyPolicy):
    def assess(self, submission):
        return Verdict(
            status="approved",
            refusal=Refusal("You are posting too quickly. Please wait a minute.", 429),
        )


def test_a_guest_comment_is_stored_and_the_poster_is_redirected_to_it(
    client, post, post_url, guest_data
):
    response = client.post(post_url, guest_data, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="UA/1")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert (comment.name, comment.email, comment.status) == (
        "Zoë Marsh",
        "zoe@example.com",
        "approved",
    )
    assert comment.body_html == "<p>A first comment.</p><p>With two paragraphs.</p>"
    assert (comment.ip_address, comment.user_agent) == ("203.0.113.9", "UA/1")
    assert comment.parent is None and comment.level == 0
    page = client.get(response["Location"]).text
    assert f'id="comment-{comment.pk}"' in page and "Zoë Marsh" in page


def test_the_post_comment_count_follows_approved_comments(client, post, post_url, guest_data):
    client.post(post_url, guest_data)
    client.post(post_url, guest_data)
    post.refresh_from_db()
    assert post.comment_count == 2


def test_ip_address_email_and_user_agent_are_never_shown(client, post, post_url, guest_data):
    client.post(post_url, guest_data, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="SecretAgent/1")
    page = client.get(post.get_absolute_url()).text
    assert "203.0.113.9" not in page and "SecretAgent" not in page and "zoe@example.com" not in page


def test_a_signed_in_user_posts_as_themselves_without_name_or_email_fields(client, post, post_url):
    user = UserFactory(
        username="hanna", first_name="Hanna", last_name="Berg", email="h@example.com"
    )
    client.force_login(user)
    page = client.get(post.get_absolute_url()).text
    assert 'name="name"' not in page and 'name="email"' not in page
    assert "Commenting as <strong>Hanna Berg</strong>" in page
    response = client.post(post_url, {"body": "Signed in.", "name": "Someone else"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (comment.user, comment.name, comment.email) == (user, "Hanna Berg", "h@example.com")


def test_a_signed_in_user_with_a_very_long_full_name_can_still_comment(client, post, post_url):
    """Account names may be 150 + 150 characters; a comment's name holds 80 (PostgreSQL
    refused the longer value with a 500)."""
    user = UserFactory(first_name="A" * 60, last_name="B" * 60, email="long@example.com")
    client.force_login(user)
    response = client.post(post_url, {"body": "Signed in with a long name."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.name == ("A" * 60 + " " + "B" * 60)[:80]
    assert comment.user == user


def test_the_posts_author_is_marked_author(client, post, post_url):
    client.force_login(post.author)
    client.post(post_url, {"body": "Thanks for reading."})
    other = CommentFactory(post=post, name="Reader")
    page = client.get(post.get_absolute_url()).text
    author_comment = Comment.objects.get(user=post.author)
    article = page.split(f'id="comment-{author_comment.pk}"')[1].split("</header>")[0]
    assert '<span class="comment-badge">Author</span>' in article
    other_article = page.split(f'id="comment-{other.pk}"')[1].split("</header>")[0]
    assert "comment-badge" not in other_article


@override_settings(COMMENTS_POLICY="comments.policy.HoldAll")
def test_a_held_comment_is_shown_only_to_its_poster(client, post, post_url, guest_data):
    response = client.post(post_url, guest_data)
    comment = Comment.objects.get()
    assert comment.status == "pending"
    assert comment.reason_texts == ["Every comment is reviewed before it appears."]
    own_view = client.get(response["Location"]).text
    assert f'id="comment-{comment.pk}"' in own_view
    assert "Your comment is awaiting moderation." in own_view
    assert "A first comment." in own_view
    stranger = Client().get(post.get_absolute_url()).text
    assert f'id="comment-{comment.pk}"' not in stranger and "A first comment." not in stranger
    post.refresh_from_db()
    assert post.comment_count == 0


@override_settings(COMMENTS_POLICY="tests.comments.test_posting.SpyPolicy")
def test_the_policy_sees_the_comment_honeypot_and_elapsed_time(client, post, post_url, guest_data):
    SEEN.clear()
    guest_data["rendered"] = new_stamp(now=time.time() - 30)
    guest_data["homepage"] = "http://spam.example"
    client.post(post_url, guest_data, REMOTE_ADDR="203.0.113.9")
    (submission,) = SEEN
    assert submission.honeypot == "http://spam.example"
    assert 29 <= submission.elapsed < 60
    assert submission.pk_when_assessed is None and submission.comment.post == post
    assert submission.comment.ip_address == "203.0.113.9"
    assert submission.from_form
    assert Comment.objects.get().reason_texts == ["looked fine", "second reason"]


@override_settings(COMMENTS_POLICY="tests.comments.test_posting.SpyPolicy")
def test_a_forged_time_stamp_reaches_the_policy_as_unknown(client, post_url, guest_data):
    SEEN.clear()
    guest_data["rendered"] = "12345"
    client.post(post_url, guest_data)
    assert SEEN[0].elapsed is None


def test_the_form_carries_a_signed_time_stamp_and_a_labelled_honeypot(client, post):
    page = client.get(post.get_absolute_url()).text
    stamp = page.split('name="rendered" value="')[1].split('"')[0]
    assert abs(signing.loads(stamp, salt=TIMESTAMP_SALT)["t"] - time.time()) < 60
    assert '<label for="id_homepage">Leave this field empty</label>' in page


@override_settings(COMMENTS_POLICY="tests.comments.test_posting.FloodPolicy")
def test_a_refused_comment_is_not_stored_and_the_message_is_shown(client, post_url, guest_data):
    response = client.post(post_url, guest_data)
    assert response.status_code == 429
    assert "You are posting too quickly. Please wait a minute." in response.text
    assert "A first comment." in response.text  # the typed text is kept
    assert not Comment.objects.exists()


def test_comments_closed_shows_a_message_and_no_form(client, post, post_url, guest_data):
    CommentFactory(post=post)
    Post.objects.filter(pk=post.pk).update(comments_enabled=False)
    page = client.get(post.get_absolute_url()).text
    assert "Comments are closed on this post." in page
    # The stored comments keep their Reply links; the section's class hides them.
    assert 'class="comments comments-are-closed"' in page
    # No comment form; only the stored comments' Like buttons (liking stays open).
    section = page.split('id="comments"')[1]
    assert section.count("<form") == section.count('<form class="comment-actions"') == 1
    response = client.post(post_url, guest_data)
    assert response.status_code == 403
    assert "Comments are closed on this post." in response.text
    assert Comment.objects.count() == 1


def test_posting_to_a_draft_post_is_a_404(client, guest_data):
    draft = Post.objects.create(title="Draft", slug="draft", author=UserFactory(), body="x")
    from django.urls import reverse

    assert client.post(reverse("comments:post", args=[draft.pk]), guest_data).status_code == 404


def test_posting_needs_a_csrf_token(post, post_url, guest_data):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(post_url, guest_data).status_code == 403
    assert not Comment.objects.exists()


def test_the_form_posts_with_a_csrf_token(post):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(post.get_absolute_url()).text
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_get_on_the_posting_address_is_not_allowed(client, post_url):
    assert client.get(post_url).status_code == 405
