"""The sender limits hold when comments arrive at the same instant (docs/architecture.md).

Real transactions on a file database or PostgreSQL, one connection per thread: the flood,
duplicate and first-time checks run under the sender lock, inside the storing transaction.
"""

import pytest

from comments.models import Comment
from comments.posting import CommentRefused
from moderation.models import ModerationSettings
from tests.factories import PostFactory, submit_comment

pytestmark = pytest.mark.django_db(transaction=True)
BURST = 16


def _fire(at_once, post, fields):
    """Post BURST comments at once; fields(number) gives each one's name, e-mail, body, IP."""
    refusals = []

    def work(number):
        try:
            submit_comment(post, elapsed=30.0, **fields(number))
        except CommentRefused as refused:
            refusals.append(refused.refusal.status_code)

    assert at_once(work, BURST) == []
    return refusals


def test_a_burst_from_one_ip_stores_exactly_the_flood_limit(at_once):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"flood_limit": 5})
    post = PostFactory()
    refusals = _fire(
        at_once,
        post,
        lambda n: {"email": f"r{n}@example.com", "body": f"Text {n}", "ip_address": "192.0.2.7"},
    )
    assert Comment.objects.filter(post=post).count() == 5
    assert refusals == [429] * (BURST - 5)


def test_identical_bodies_from_one_address_at_once_are_stored_once(at_once):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"flood_limit": 0})
    post = PostFactory()
    refusals = _fire(
        at_once,
        post,
        lambda n: {"email": "same@example.com", "body": "Same words", "ip_address": f"10.0.0.{n}"},
    )
    assert Comment.objects.filter(post=post).count() == 1
    assert refusals == [400] * (BURST - 1)


def test_a_burst_from_another_sender_is_not_held_up_by_the_limits_of_the_first(at_once):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"flood_limit": 3})
    post = PostFactory()
    _fire(
        at_once,
        post,
        lambda n: {
            "email": f"r{n % 2}.{n}@example.com",
            "body": f"Text {n}",
            "ip_address": f"192.0.2.{n % 2 + 1}",
        },
    )
    by_ip = dict.fromkeys(["192.0.2.1", "192.0.2.2"], 0)
    for ip in Comment.objects.values_list("ip_address", flat=True):
        by_ip[ip] += 1
    assert by_ip == {"192.0.2.1": 3, "192.0.2.2": 3}
