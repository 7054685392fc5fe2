"""config.cache: Django's backends without the memcached key check, and the database cache
that writes a batch of entries in one transaction (the module says why)."""

import warnings
from datetime import datetime

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_the_default_cache_is_ours_and_skips_the_memcached_key_check():
    cache = caches["default"]
    assert type(cache).__module__ == "config.cache"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        cache.set("thread:1:2:a b", b"<article>", 60)
        assert cache.get("thread:1:2:a b") == b"<article>"


@pytest.fixture
def database_cache(settings):
    """database_cache(**options): config.cache.DatabaseCache in a table of its own, empty."""

    def make(table="test_database_cache", **options):
        settings.CACHES = {
            **settings.CACHES,
            "db": {"BACKEND": "config.cache.DatabaseCache", "LOCATION": table, "OPTIONS": options},
        }
        call_command("createcachetable", "--database", "default", verbosity=0)
        cache = caches["db"]
        cache.clear()
        return cache

    return make


def _statements(captured, word):
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(word)]


@pytest.mark.django_db
def test_a_batch_of_entries_is_counted_once_and_written_with_one_statement(database_cache):
    cache = database_cache()
    entries = {f"thread:{n}": (f"<article>Ünïcode 🚂 {n}</article>".encode(), n) for n in range(40)}
    entries["index"] = {"ids": [3, 1, 2], "total": 3}
    with CaptureQueriesContext(connection) as captured:
        assert cache.set_many(entries, timeout=60) == []
    assert len(_statements(captured, "SELECT COUNT")) == 1
    assert len(_statements(captured, "INSERT")) == 1
    assert not _statements(captured, "UPDATE")
    assert cache.get_many(list(entries)) == entries


@pytest.mark.django_db
def test_set_replaces_a_value_and_keeps_djangos_expiry(database_cache):
    cache = database_cache()
    cache.set("page", "first", 60)
    cache.set("page", "second", 60)
    assert cache.get("page") == "second"
    cache.set("forever", "kept", None)
    assert cache.get("forever") == "kept"
    cache.set_many({"gone": 1, "also gone": 2}, timeout=0)
    assert cache.get_many(["gone", "also gone"]) == {}
    # Django's own methods read and change what was written.
    assert cache.has_key("page")
    assert cache.add("page", "third") is False
    assert cache.get_or_set("new", lambda: "made", 60) == "made"
    assert cache.touch("page", 120) is True
    cache.delete("page")
    assert cache.get("page") is None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM test_database_cache WHERE cache_key LIKE %s", ["%forever"]
        )
        (expires,) = cursor.fetchone()
    assert str(expires).startswith(str(datetime.max.year))


@pytest.mark.django_db
def test_a_batch_past_max_entries_culls_as_django_does(database_cache):
    # A table of its own, never analysed: counted exactly on PostgreSQL too.
    cache = database_cache("test_cull_cache", MAX_ENTRIES=30, CULL_FREQUENCY=3)
    cache.set_many({f"old:{n:02}": n for n in range(25)}, timeout=60)
    cache.set_many({f"new:{n:02}": n for n in range(10)}, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM test_cull_cache")
        (count,) = cursor.fetchone()
    # 35 entries would be written: a third of them (the first keys) went first.
    assert count == 35 - 35 // 3
    new = {f"new:{n:02}": n for n in range(10)}
    assert cache.get_many(list(new)) == new


@pytest.mark.django_db
def test_a_refused_write_fails_silently_and_names_its_keys(database_cache, settings):
    database_cache()  # a table for createcachetable; this one points elsewhere
    settings.CACHES = {
        **settings.CACHES,
        "missing": {"BACKEND": "config.cache.DatabaseCache", "LOCATION": "no_such_cache_table"},
    }
    cache = caches["missing"]
    assert sorted(cache.set_many({"a": 1, "b": 2}, timeout=60)) == ["a", "b"]
    cache.set("a", 1)  # no error, as Django's set() fails silently
    # The surrounding transaction is still usable.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.mark.django_db(transaction=True)
def test_workers_writing_the_same_entries_at_once_all_succeed(database_cache, at_once):
    database_cache()
    refused = []

    def work(number):
        refused.extend(
            caches["db"].set_many({f"thread:{n}": number for n in range(20)}, timeout=60)
        )

    assert at_once(work) == []
    assert refused == []
    values = caches["db"].get_many([f"thread:{n}" for n in range(20)])
    assert len(values) == 20
    assert set(values.values()) <= set(range(8))


@pytest.mark.django_db
def test_a_cold_post_page_writes_its_threads_and_thread_list_in_one_statement(
    database_cache, settings
):
    # Production without Redis: the page's ten threads and its page of the thread list go in
    # one INSERT, in one transaction; the Featured list and the whole page (blog/page_cache.py)
    # in one each. Django's set_many() wrote each thread in a transaction of its own.
    from django.test import Client

    from comments.models import Comment
    from tests.factories import PostFactory, make_forest

    database_cache()
    settings.CACHES = {**settings.CACHES, "default": settings.CACHES["db"]}
    settings.COMMENTS_THREADS_PER_PAGE = 10
    post = PostFactory()
    make_forest(post, 60, threads=14)
    client = Client()
    client.get(post.get_absolute_url())  # the site's own entries, made once
    # Every thread and the thread list change, as after moderating each of them.
    Comment.objects.filter(post=post, level=0).update(thread_stamp=7)
    post.refresh_from_db()
    type(post).objects.filter(pk=post.pk).update(comments_stamp=post.comments_stamp + 1)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert page.content.count(b'class="comment depth-1') == 10
    writes = _statements(captured, 'INSERT INTO "test_database_cache"')
    threads = [sql for sql in writes if ":thread:" in sql]
    assert len(threads) == 1
    assert threads[0].count(":thread:") == 10
    assert ":threads-index:" in threads[0]
    assert len(writes) == 3
    assert len(_statements(captured, "SELECT COUNT")) == 3
    # The next reader gets the stored page, and nothing is written.
    with CaptureQueriesContext(connection) as captured:
        again = client.get(post.get_absolute_url())
    assert again.content.count(b'class="comment depth-1') == 10
    assert not _statements(captured, "INSERT")


@pytest.mark.django_db
def test_add_stores_only_over_a_missing_or_expired_entry_in_one_statement(database_cache):
    cache = database_cache()
    with CaptureQueriesContext(connection) as captured:
        assert cache.add("stamp", "first", 60) is True
    assert len(_statements(captured, "INSERT")) == 1
    assert not _statements(captured, "UPDATE")
    assert cache.add("stamp", "second", 60) is False
    assert cache.get("stamp") == "first"
    cache.set("old", "expired", timeout=0)
    assert cache.add("old", "renewed", 60) is True
    assert cache.get("old") == "renewed"
    # get_or_set reads once, computes and adds; a second call only reads.
    with CaptureQueriesContext(connection) as captured:
        assert cache.get_or_set("list", lambda: [1, 2], 60) == [1, 2]
    assert len(_statements(captured, 'SELECT "cache_key"')) == 1
    assert cache.get_or_set("list", lambda: [3], 60) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_workers_asking_get_or_set_at_once_all_get_the_value_that_was_stored(
    database_cache, at_once
):
    database_cache()
    answers = []
    assert at_once(lambda number: answers.append(caches["db"].get_or_set("stamp", number))) == []
    assert len(answers) == 8
    assert set(answers) == {caches["db"].get("stamp")}


@pytest.mark.django_db
def test_postgresql_culls_by_the_planners_estimate_without_counting(database_cache, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite counts its B-tree's cells, a cheap exact count")
    roomy = database_cache("test_estimate_cache")
    roomy.set_many({f"old:{n:02}": n for n in range(40)}, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE test_estimate_cache")
    settings.CACHES = {
        **settings.CACHES,
        "small": {
            "BACKEND": "config.cache.DatabaseCache",
            "LOCATION": "test_estimate_cache",
            "OPTIONS": {"MAX_ENTRIES": 30, "CULL_FREQUENCY": 2},
        },
    }
    with CaptureQueriesContext(connection) as captured:
        assert caches["small"].set_many({"new": 1}, timeout=60) == []
    assert not _statements(captured, "SELECT COUNT")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM test_estimate_cache")
        (count,) = cursor.fetchone()
    assert count == 41 - 41 // 2
    assert caches["small"].get("new") == 1
