import threading

import pytest


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    """Uploaded files go to a temporary folder and every test starts with an empty cache."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a temporary file database instead of memory.

    The concurrency tests (tests/comments/test_concurrency.py) open one connection per thread;
    Django's shared-cache in-memory database has table-level locks that IMMEDIATE
    transactions and the busy timeout cannot wait on, which would hide the real behaviour.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _approve_all_comments_by_default(settings):
    """Comments posted in tests are published unless a test asks for a policy.

    The project default is the full moderation policy (a first-time guest waits for review);
    tests/moderation and the browser tests switch it on themselves.
    """
    settings.COMMENTS_POLICY = "comments.policy.ApproveAll"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password for every user; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def at_once():
    """at_once(work, threads=8): run work(number) in that many threads released at the same
    instant, each with its own database connection; returns the exceptions they raised."""
    from django.db import close_old_connections, connection

    def run(work, threads=8):
        barrier = threading.Barrier(threads)
        errors = []

        def worker(number):
            try:
                barrier.wait()
                work(number)
            except Exception as error:  # noqa: BLE001 - reported to the test
                errors.append(error)
            finally:
                connection.close()

        workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        close_old_connections()
        return errors

    return run
