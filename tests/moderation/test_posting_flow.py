"""The policy applied when a reader posts through the site's comment form."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from comments.avatars import avatar_url
from comments.forms import new_stamp
from comments.models import Comment
from comments.posting import change_status
from moderation.models import ModerationSettings
from tests.factories import BanFactory, PostFactory, stored_html

pytestmark = pytest.mark.django_db
Status = Comment.Status


def form_data(seconds_ago=30, **fields):
    return {
        "name": "Zoë Marsh",
        "email": "zoe@example.com",
        "url": "",
        "body": "A first comment, written with care.",
        "parent": "",
        "homepage": "",
        "rendered": new_stamp(now=time.time() - seconds_ago),
        **fields,
    }


@pytest.fixture
def post():
    return PostFactory()


def send(client, post, **fields):
    return client.post(reverse("comments:post", args=[post.pk]), form_data(**fields))


def test_a_first_time_guest_waits_and_the_reason_is_stored(client, post):
    response = send(client, post)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert comment.reason_texts == ["Held: first comment from this author."]


def test_a_known_commenter_is_published(client, post):
    """Known = an approved comment with that name and e-mail, posted from this browser."""
    send(client, post)
    first = Comment.objects.get()
    change_status(Comment.objects.filter(pk=first.pk), Status.APPROVED)
    send(client, post, body="Second thoughts.")
    assert Comment.objects.latest("pk").status == Status.APPROVED


def test_someone_typing_a_known_commenters_name_and_email_is_held(client, post):
    send(client, post)
    change_status(Comment.objects.all(), Status.APPROVED)
    impostor = Client()
    send(impostor, post, body="Pretending to be Zoë.")
    fake = Comment.objects.latest("pk")
    assert fake.status == Status.PENDING
    assert fake.reason_texts == ["Held: first comment from this author."]
    real = Comment.objects.earliest("pk")
    assert real.identity_verified is False  # a first comment proves nothing yet
    send(client, post, body="The real Zoë again.")
    again = Comment.objects.latest("pk")
    assert again.identity_verified and not fake.identity_verified
    # The impostor's comment does not show the real commenter's picture.
    assert avatar_url("zoe@example.com") in stored_html(again)
    assert avatar_url("zoe@example.com") not in stored_html(fake)


def test_a_quick_post_is_stored_as_spam_without_telling_the_poster(client, post):
    response = send(client, post, seconds_ago=1)
    assert response.status_code == 302  # looks like any other post
    assert Comment.objects.get().status == Status.SPAM


def test_a_filled_honeypot_is_stored_as_spam(client, post):
    send(client, post, homepage="http://bot.example")
    assert Comment.objects.get().status == Status.SPAM


def test_flooding_gets_a_429_with_a_clear_message(client, post):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"flood_limit": 2})
    send(client, post, body="one")
    send(client, post, body="two")
    response = send(client, post, body="three")
    assert response.status_code == 429
    assert "You are posting too fast" in response.content.decode()
    assert Comment.objects.count() == 2


def test_a_duplicate_is_refused_and_not_stored(client, post):
    send(client, post, body="Exactly this.")
    response = send(client, post, body="Exactly this.")
    assert response.status_code == 400
    assert "You have already posted this comment." in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_banned_author_gets_a_neutral_403(client, post):
    BanFactory(email="zoe@example.com")
    response = send(client, post)
    assert response.status_code == 403
    assert "Your comment could not be posted." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_old_post_is_closed_when_the_setting_says_so(client):
    from datetime import timedelta

    from django.utils import timezone

    ModerationSettings.objects.update_or_create(pk=1, defaults={"close_after_days": 30})
    old = PostFactory(published_at=timezone.now() - timedelta(days=31))
    response = send(client, old)
    assert response.status_code == 403
    assert not Comment.objects.exists()
