"""ModerationSettings.load() reads the cache (no query once warm) and never serves a row
that a save, an update or a delete has changed."""

import pytest
from django.core.cache import cache

from moderation.models import SETTINGS_CACHE_KEY, ModerationSettings

pytestmark = pytest.mark.django_db


def test_the_row_is_made_once_and_then_read_from_the_cache(django_assert_num_queries):
    assert not ModerationSettings.objects.exists()
    first = ModerationSettings.load()
    assert ModerationSettings.objects.count() == 1
    with django_assert_num_queries(0):
        again = ModerationSettings.load()
    assert again.pk == first.pk and again.flood_limit == first.flood_limit


def test_saving_the_row_is_seen_at_once(django_assert_num_queries):
    ModerationSettings.load()
    row = ModerationSettings.objects.get(pk=1)
    row.flood_limit = 2
    row.save()
    assert ModerationSettings.load().flood_limit == 2
    ModerationSettings.objects.update_or_create(pk=1, defaults={"flood_limit": 3})
    assert ModerationSettings.load().flood_limit == 3


def test_bulk_updates_and_deletes_are_seen_at_once():
    ModerationSettings.load()
    ModerationSettings.objects.filter(pk=1).update(max_links=9)
    assert ModerationSettings.load().max_links == 9
    ModerationSettings.objects.all().delete()
    assert cache.get(SETTINGS_CACHE_KEY) is None
    default = ModerationSettings._meta.get_field("max_links").default
    assert ModerationSettings.load().max_links == default


def test_deleting_the_row_brings_back_the_defaults():
    ModerationSettings.objects.update_or_create(pk=1, defaults={"trust_after": 4})
    assert ModerationSettings.load().trust_after == 4
    ModerationSettings.objects.get(pk=1).delete()
    assert ModerationSettings.load().trust_after == 1


@pytest.mark.django_db(transaction=True)
def test_a_copy_cached_before_the_commit_is_cleared_when_it_commits():
    from django.db import transaction

    ModerationSettings.load()
    with transaction.atomic():
        ModerationSettings.objects.update_or_create(pk=1, defaults={"min_seconds": 7})
        # Another worker reading now still sees the committed (old) row, and caches it.
        cache.set(SETTINGS_CACHE_KEY, ModerationSettings(pk=1, min_seconds=3))
    assert ModerationSettings.load().min_seconds == 7
