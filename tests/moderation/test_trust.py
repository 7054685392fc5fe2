"""Trust and suspension: who is published at once, who is refused until a date, and the
per-post moderation mode (the site's rules, hold everything, closed)."""

import contextlib
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment
from comments.posting import CommentRefused
from moderation import actions
from moderation.models import Commenter, ModerationEvent, ModerationSettings
from tests.factories import (
    CommentFactory,
    PostFactory,
    StaffFactory,
    UserFactory,
    submit_comment,
)

Status = Comment.Status
Mode = Post.ModerationMode
Action = ModerationEvent.Action


def post_as(post, email="ana@example.com", name="Ana", proven=True, **fields):
    """A guest comment through the policy; `proven`: the browser carries the signed token."""
    fields.setdefault("body", f"A remark {timezone.now().timestamp()}.")
    fields.setdefault("elapsed", 30.0)
    token = email.lower() if proven else None
    return submit_comment(post, name=name, email=email, token_email=token, **fields)


def approved(count, email="ana@example.com", name="Ana"):
    """Earlier approved comments (yesterday's: outside the flood limit's minute)."""
    return CommentFactory.create_batch(
        count,
        email=email,
        name=name,
        status=Status.APPROVED,
        created_at=timezone.now() - timedelta(days=1),
    )


@pytest.mark.django_db
class TestTrust:
    def test_a_commenter_is_published_at_once_after_the_number_of_approved_comments_set(self):
        ModerationSettings.objects.update_or_create(pk=1, defaults={"trust_after": 3})
        post = PostFactory()
        approved(2)
        held = post_as(post)
        assert held.status == Status.PENDING
        assert held.moderation_reasons[-1] == {
            "code": "not_trusted_yet",
            "text": "Held: 2 approved comments, 3 needed to be published at once.",
        }
        approved(1)
        assert post_as(post).status == Status.APPROVED

    def test_a_trusted_commenter_is_still_held_when_a_rule_holds_the_comment(self):
        post = PostFactory()
        approved(5)
        links = "https://a.example https://b.example https://c.example"
        comment = post_as(post, body=f"See {links}")
        assert comment.status == Status.PENDING
        assert [r["code"] for r in comment.moderation_reasons] == ["links", "known"]

    def test_a_commenter_trusted_by_hand_is_published_at_once_with_proof_of_the_address(self):
        post = PostFactory()
        actions.trust("Ana@Example.com", actor=StaffFactory())
        comment = post_as(post)
        assert comment.status == Status.APPROVED
        assert comment.moderation_reasons == [
            {"code": "trusted", "text": "Published: trusted by a moderator."}
        ]
        # Typing a trusted commenter's address is not enough.
        assert post_as(post, proven=False).status == Status.PENDING

    def test_staff_and_the_posts_author_are_published_at_once(self):
        writer = UserFactory()
        post = PostFactory(author=writer)
        for user, code in [(writer, "post_author"), (StaffFactory(), "staff")]:
            comment = submit_comment(post, user=user, body=f"By {user}", elapsed=30.0)
            assert comment.status == Status.APPROVED
            assert comment.moderation_reasons[-1]["code"] == code

    def test_trusting_and_untrusting_is_logged_once_per_change(self):
        moderator = StaffFactory()
        assert actions.trust("bo@example.com", actor=moderator)
        assert not actions.trust("BO@example.com", actor=moderator)
        assert actions.trust("bo@example.com", False, actor=moderator)
        assert list(ModerationEvent.objects.order_by("id").values_list("action", "email")) == [
            (Action.TRUST, "bo@example.com"),
            (Action.UNTRUST, "bo@example.com"),
        ]
        assert not Commenter.objects.get().trusted


@pytest.mark.django_db
class TestSuspension:
    def test_a_suspended_commenter_is_refused_until_the_date_with_a_neutral_message(self):
        post = PostFactory()
        approved(3)
        until = actions.suspend("ana@example.com", 7, actor=StaffFactory(), reason="Insults.")
        with pytest.raises(CommentRefused) as refused:
            post_as(post)
        message = refused.value.refusal.message
        assert refused.value.refusal.status_code == 403
        assert message.startswith("You cannot post comments until ")
        assert f"{timezone.localtime(until):%Y}" in message
        assert "Insults" not in message and "suspend" not in message.lower()
        assert not Comment.objects.filter(post=post).exists()
        event = ModerationEvent.objects.get()
        assert (event.action, event.email) == (Action.SUSPEND, "ana@example.com")
        assert event.reason == "Suspended for 7 days. Insults."

    def test_comments_are_taken_again_once_the_suspension_ends_or_is_lifted(self):
        post = PostFactory()
        approved(1)
        Commenter.objects.create(
            email="ana@example.com", suspended_until=timezone.now() - timedelta(minutes=1)
        )
        assert post_as(post).status == Status.APPROVED
        actions.suspend("ana@example.com", 3)
        actions.suspend("ana@example.com", 0)
        assert post_as(post).status == Status.APPROVED
        assert ModerationEvent.objects.filter(action=Action.UNSUSPEND).count() == 1

    def test_a_signed_in_commenter_is_suspended_by_the_accounts_address(self):
        user = UserFactory(email="member@example.com")
        actions.suspend("member@example.com", 2)
        with pytest.raises(CommentRefused):
            submit_comment(PostFactory(), user=user, elapsed=30.0)

    def test_the_comment_form_shows_the_message_with_a_403(self, client, settings):
        settings.COMMENTS_POLICY = "moderation.policy.ModerationPolicy"
        ModerationSettings.objects.update_or_create(pk=1, defaults={"min_seconds": 0})
        post = PostFactory()
        actions.suspend("ana@example.com", 2)
        page = client.get(post.get_absolute_url())
        form = BeautifulSoup(page.content, "html.parser").select_one("form.comment-form")
        data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
        data.update(name="Ana", email="ana@example.com", body="Hello again.")
        response = client.post(reverse("comments:post", args=[post.pk]), data)
        assert response.status_code == 403
        assert "You cannot post comments until" in response.content.decode()
        assert "Hello again." in response.content.decode(), "the typed text is kept"


@pytest.mark.django_db(transaction=True)
def test_a_burst_from_a_suspended_commenter_is_refused_entirely(at_once):
    post = PostFactory()
    actions.suspend("burst@example.com", 1)
    refusals = []

    def work(number):
        try:
            post_as(post, email="burst@example.com", body=f"Burst {number}", ip_address=None)
        except CommentRefused as refused:
            refusals.append(refused.refusal.status_code)

    assert at_once(work, 8) == []
    assert refusals == [403] * 8
    assert not Comment.objects.filter(post=post).exists()


@pytest.mark.django_db(transaction=True)
def test_a_burst_from_a_trusted_commenter_is_published_within_the_flood_limit(at_once):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"flood_limit": 3})
    post = PostFactory()
    actions.trust("fast@example.com")

    def work(number):
        with contextlib.suppress(CommentRefused):
            post_as(post, email="fast@example.com", body=f"Quick {number}", ip_address=None)

    assert at_once(work, 8) == []
    statuses = list(Comment.objects.filter(post=post).values_list("status", flat=True))
    assert statuses == [Status.APPROVED] * 3


@pytest.mark.django_db
class TestPostModes:
    def test_a_post_that_holds_every_comment_holds_even_a_trusted_commenter(self):
        post = PostFactory(moderation_mode=Mode.HOLD)
        approved(5)
        comment = post_as(post)
        assert comment.status == Status.PENDING
        assert "Held: every comment on this post is reviewed." in comment.reason_texts
        staff = submit_comment(post, user=StaffFactory(), body="Staff note.", elapsed=30.0)
        assert staff.status == Status.APPROVED
        assert list(Comment.objects.held_for("post_hold")) == [comment]

    def test_a_closed_post_shows_a_notice_instead_of_the_form_and_refuses_posts(self, client):
        post = PostFactory(moderation_mode=Mode.CLOSED)
        CommentFactory(post=post, body="An earlier comment stays readable.")
        page = client.get(post.get_absolute_url())
        html = BeautifulSoup(page.content, "html.parser")
        assert html.select_one("form.comment-form") is None
        assert "Comments are closed on this post." in html.get_text()
        assert "An earlier comment stays readable." in html.get_text()
        response = client.post(
            reverse("comments:post", args=[post.pk]),
            {"name": "Ana", "email": "ana@example.com", "body": "Let me in."},
        )
        assert response.status_code == 403
        assert "Comments are closed on this post." in response.content.decode()
        assert Comment.objects.filter(post=post).count() == 1

    def test_the_mode_is_set_on_the_post_in_admin(self, admin_client):
        post = PostFactory()
        page = admin_client.get(reverse("admin:blog_post_change", args=[post.pk]))
        select = BeautifulSoup(page.content, "html.parser").select_one("#id_moderation_mode")
        options = [o["value"] for o in select.select("option")]
        assert options == ["default", "hold", "closed"]
