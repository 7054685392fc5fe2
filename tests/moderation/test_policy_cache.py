"""The blocklist and the names of staff, which the policy reads for every new comment, come
from the cache (no query once warm) and never serve what a change has replaced: a new phrase
holds the very next comment, a new member of staff's name is protected at once."""

import pytest
from django.core.cache import cache
from django.db import transaction

from comments.models import Comment
from comments.policy import Submission, full_verdict
from moderation.models import (
    BLOCKLIST_CACHE_KEY,
    STAFF_NAMES_CACHE_KEY,
    BlockedTerm,
    staff_names,
)
from moderation.policy import ModerationPolicy
from tests.factories import BlockedTermFactory, CommentFactory, PostFactory, StaffFactory

pytestmark = pytest.mark.django_db
Status = Comment.Status


@pytest.fixture
def post():
    return PostFactory()


def verdict(post, *, name="Ana", body="A calm remark."):
    """Ana is a known commenter: only the blocklist or her name can hold her comment."""
    CommentFactory(post=post, name=name, email="ana@example.com", status=Status.APPROVED)
    comment = Comment(post=post, name=name, email="ana@example.com", body=body)
    submission = Submission(comment=comment, elapsed=30.0, token_email="ana@example.com")
    return full_verdict(ModerationPolicy(), submission)


def codes(result):
    return [reason.code for reason in result.reasons]


def test_the_blocklist_is_read_once_then_from_the_cache(django_assert_num_queries):
    BlockedTermFactory(phrase="spamword")
    assert BlockedTerm.entries() == [("spamword", "pending")]
    with django_assert_num_queries(0):
        assert BlockedTerm.entries() == [("spamword", "pending")]


def test_a_phrase_added_after_the_list_was_cached_holds_the_next_comment(post):
    assert verdict(post, body="Buy cheapwatches now.").status == Status.APPROVED
    BlockedTerm.objects.create(phrase="cheapwatches", action="pending")
    result = verdict(post, body="Buy cheapwatches now.")
    assert result.status == Status.PENDING and "blocklist" in codes(result)


def test_a_changed_or_removed_phrase_is_seen_at_once(post):
    term = BlockedTermFactory(phrase="cheapwatches", action="pending")
    assert verdict(post, body="cheapwatches").status == Status.PENDING
    term.action = "spam"
    term.save()
    assert verdict(post, body="cheapwatches").status == Status.SPAM
    term.delete()
    assert verdict(post, body="cheapwatches").status == Status.APPROVED


def test_bulk_writes_to_the_blocklist_are_seen_at_once(post):
    BlockedTerm.entries()
    BlockedTerm.objects.bulk_create([BlockedTerm(phrase="cheapwatches", action="pending")])
    assert verdict(post, body="cheapwatches").status == Status.PENDING
    BlockedTerm.objects.filter(phrase="cheapwatches").update(action="spam")
    assert verdict(post, body="cheapwatches").status == Status.SPAM
    # The admin's "delete selected" is a queryset delete.
    BlockedTerm.objects.all().delete()
    assert cache.get(BLOCKLIST_CACHE_KEY) is None
    assert verdict(post, body="cheapwatches").status == Status.APPROVED


@pytest.mark.django_db(transaction=True)
def test_a_blocklist_cached_before_the_commit_is_cleared_when_it_commits():
    BlockedTerm.entries()
    with transaction.atomic():
        BlockedTerm.objects.create(phrase="cheapwatches")
        # Another worker reading now still sees the committed (empty) list, and caches it.
        cache.set(BLOCKLIST_CACHE_KEY, [])
    assert BlockedTerm.entries() == [("cheapwatches", "pending")]


def test_staff_names_are_read_once_then_from_the_cache(django_assert_num_queries):
    StaffFactory(username="editor_jo", first_name="Jo", last_name="Marsh")
    assert {"editor_jo", "Jo Marsh"} <= set(staff_names())
    with django_assert_num_queries(0):
        staff_names()


def test_a_new_member_of_staffs_name_is_protected_at_once(post):
    assert verdict(post, name="Jo Marsh").status == Status.APPROVED
    StaffFactory(username="editor_jo", first_name="Jo", last_name="Marsh")
    result = verdict(post, name="Jo Marsh")
    assert result.status == Status.PENDING and "impersonation" in codes(result)


def test_a_name_stops_being_protected_when_its_owner_leaves_staff(post):
    staff = StaffFactory(username="editor_jo", first_name="Jo", last_name="Marsh")
    assert verdict(post, name="Jo Marsh").status == Status.PENDING
    staff.is_staff = False
    staff.save()
    assert verdict(post, name="Jo Marsh").status == Status.APPROVED


def test_a_login_does_not_clear_the_names(client):
    staff = StaffFactory(username="editor_jo")
    staff_names()
    client.force_login(staff)  # saves last_login, and nothing else
    staff.refresh_from_db()
    assert staff.last_login is not None
    assert cache.get(STAFF_NAMES_CACHE_KEY) is not None


def test_the_posts_author_is_protected_without_being_staff(post):
    author = post.author
    author.is_staff = False
    author.first_name, author.last_name = "Rosa", "Vance"
    author.save()
    result = verdict(post, name="Rosa Vance")
    assert result.status == Status.PENDING and "impersonation" in codes(result)
