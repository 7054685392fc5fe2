"""Who is told what: only the author of the comment answered (when they asked and
confirmed), the post's author, a held guest once approved, moderators."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from comments.models import Comment
from comments.policy import Submission
from comments.posting import change_status, draft_comment, post_comment
from notifications.models import Address, OutgoingMail, Subscription
from notifications.schedule import run_due
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(django_capture_on_commit_callbacks):
    def post_it(post, *, parent=None, wants_replies=False, name="Bob", **fields):
        fields.setdefault("email", f"{name.lower()}@example.com")
        fields.setdefault("body", "I agree with every word of this.")
        comment = draft_comment(post=post, parent=parent, name=name, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            return post_comment(Submission(comment=comment), wants_replies=wants_replies)

    return post_it


def confirmed(email):
    Address.objects.update_or_create(email=email, defaults={"confirmed_at": timezone.now()})


def test_only_replies_to_the_subscribers_own_comment_are_mailed(post, posted, work, mailoutbox):
    zoe = posted(post, name="Zoë", email="zoe@example.com", wants_replies=True)
    confirmed("zoe@example.com")
    ann = posted(post, name="Ann")
    work()
    mailoutbox.clear()
    posted(post, parent=ann)  # a reply to someone else
    posted(post)  # a new thread
    posted(post, parent=zoe, body="Zoë, **you** are right.")
    work()
    to_zoe = [m for m in mailoutbox if m.to == ["zoe@example.com"]]
    assert len(to_zoe) == 1
    message = to_zoe[0]
    assert "Night trains return" in message.subject and "Bob" in message.subject
    assert "Zoë, **you** are right." in message.body
    assert "https://news.example/comments/" in message.body  # the permalink
    html = message.alternatives[0][0]
    assert "<blockquote>Zoë, **you** are right.</blockquote>" in html


def test_an_unconfirmed_guest_gets_only_the_confirmation(post, posted, work, mailoutbox):
    zoe = posted(post, name="Zoë", email="zoe@example.com", wants_replies=True)
    posted(post, parent=zoe)
    posted(post, parent=zoe, body="Another answer.")
    work()
    to_zoe = [m for m in mailoutbox if m.to == ["zoe@example.com"]]
    assert [m.subject for m in to_zoe] == ["Please confirm your address for The Threadline"]


def test_nobody_who_did_not_tick_the_box_is_mailed(post, posted, work, mailoutbox):
    zoe = posted(post, name="Zoë", email="zoe@example.com")
    confirmed("zoe@example.com")
    posted(post, parent=zoe)
    work()
    assert [m for m in mailoutbox if m.to == ["zoe@example.com"]] == []


def test_a_signed_in_commenter_needs_no_confirmation(post, posted, work, mailoutbox):
    user = UserFactory(email="sam@example.com", first_name="Sam")
    sam = posted(post, user=user, wants_replies=True)
    posted(post, parent=sam)
    work()
    assert [m.subject for m in mailoutbox if m.to == ["sam@example.com"]] == [
        "Bob replied to your comment on “Night trains return”"
    ]


def test_the_post_author_hears_of_new_threads_only_and_not_of_their_own(
    post, posted, work, mailoutbox
):
    top = posted(post)
    posted(post, parent=top, name="Cy")
    posted(post, user=post.author)
    work()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["editor@example.com"], "New comment by Bob on “Night trains return”")
    ]
    assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_settings_turn_each_notice_off(post, posted, work, mailoutbox, settings):
    settings.NOTIFY_POST_AUTHOR = False
    settings.NOTIFY_REPLIES = False
    zoe = posted(post, name="Zoë", email="zoe@example.com", wants_replies=True)
    confirmed("zoe@example.com")
    posted(post, parent=zoe)
    work()
    assert mailoutbox == [] or all("confirm" in m.subject.lower() for m in mailoutbox)


def test_a_held_guest_who_asked_is_told_once_when_approved(
    post, posted, work, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_POLICY = "comments.policy.HoldAll"
    settings.NOTIFY_MODERATORS = "off"
    zoe = posted(post, name="Zoë", email="zoe@example.com", wants_replies=True)
    quiet = posted(post, name="Ann")
    confirmed("zoe@example.com")
    work()
    mailoutbox.clear()
    for status in ("approved", "removed", "approved"):
        with django_capture_on_commit_callbacks(execute=True):
            change_status(Comment.objects.filter(pk__in=[zoe.pk, quiet.pk]), status)
    work()
    assert [(m.to, m.subject) for m in mailoutbox if m.to != ["editor@example.com"]] == [
        (["zoe@example.com"], "Your comment on “Night trains return” is published")
    ]


def test_moderators_hear_of_each_held_comment_at_once(post, posted, work, mailoutbox, settings):
    settings.COMMENTS_POLICY = "comments.policy.HoldAll"
    moderator = UserFactory(email="mod@example.com", is_staff=True)
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    UserFactory(email="reader@example.com")
    held = posted(post)
    work()
    assert [m.to for m in mailoutbox] == [["mod@example.com"]]
    assert "Held for moderation" in mailoutbox[0].subject
    assert f"/admin/comments/comment/{held.pk}/change/" in mailoutbox[0].body
    assert "Every comment is reviewed before it appears." in mailoutbox[0].body


def test_moderators_can_get_one_digest_an_hour_instead(post, posted, work, mailoutbox, settings):
    settings.COMMENTS_POLICY = "comments.policy.HoldAll"
    settings.NOTIFY_MODERATORS = "hourly"
    UserFactory(email="mod@example.com", is_superuser=True, is_staff=True)
    posted(post)
    posted(post, name="Cy")
    work()
    assert mailoutbox == []
    in_an_hour = timezone.now() + timedelta(hours=1)
    assert run_due(now=in_an_hour)["moderator_digest"] == 1
    assert "moderator_digest" not in run_due(now=in_an_hour)  # once per slot
    work()
    (digest,) = mailoutbox
    assert digest.subject == "2 comments waiting for moderation"
    assert "Bob" in digest.body and "Cy" in digest.body


def test_names_and_titles_cannot_inject_mail_headers(post, posted, work, mailoutbox):
    post.title = "Trains\r\nBcc: victim@example.com"
    post.save()
    zoe = posted(post, name="Zoë", email="zoe@example.com", wants_replies=True)
    confirmed("zoe@example.com")
    posted(post, parent=zoe, name="Eve\r\nBcc: everyone@example.com\r\nX-Evil: 1")
    work()
    for message in mailoutbox:
        raw = message_from_bytes(message.message().as_bytes(), policy=policy.default)
        assert raw["Bcc"] is None and raw["X-Evil"] is None
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.recipients() in (["zoe@example.com"], ["editor@example.com"])
    assert any("Eve Bcc: everyone@example.com X-Evil: 1 replied" in m.subject for m in mailoutbox)


def test_mail_follows_the_site_language_setting(post, posted, work, mailoutbox, settings):
    settings.LANGUAGE_CODE = "en-gb"
    posted(post)
    work()
    assert '<html lang="en-gb">' in mailoutbox[0].alternatives[0][0]


def test_the_subscription_is_stored_with_the_comment(post, posted, work):
    comment = posted(post, name="Zoë", email="Zoe@Example.com", wants_replies=True)
    work()
    assert Subscription.objects.get().comment == comment
    assert Subscription.objects.get().email == "zoe@example.com"
    assert OutgoingMail.objects.filter(kind="confirm", to_email="zoe@example.com").count() == 1


def test_a_reply_at_the_depth_cap_tells_the_comment_it_answers(
    post, posted, work, mailoutbox, settings
):
    settings.COMMENTS_MAX_DEPTH = 2
    top = CommentFactory(post=post, stored=True)
    zoe = posted(post, parent=top, name="Zoë", email="zoe@example.com", wants_replies=True)
    confirmed("zoe@example.com")
    answer = posted(post, parent=zoe)
    assert answer.parent_id == top.pk and answer.in_reply_to_id == zoe.pk
    work()
    assert (
        len([m for m in mailoutbox if m.to == ["zoe@example.com"] and "replied" in m.subject]) == 1
    )
