"""Production on SQLite without Redis: the cache in a SQLite file of its own, in write-ahead
log mode, beside the site's (config/routers.py); on PostgreSQL it stays in the site's."""

import sqlite3
from pathlib import Path

import pytest

from .conftest import is_postgres

pytestmark = pytest.mark.deploy

SHOW = "from django.conf import settings; print(getattr(settings, 'CACHE_DATABASE', None))"


def _tables(path):
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows if not name.startswith("sqlite_")}


def _scalar(path, sql):
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchone()[0]


def test_the_cache_has_a_wal_file_of_its_own_that_migrate_and_createcachetable_make(site, visitor):
    if is_postgres(site.database_url):
        assert site.manage("shell", "-c", SHOW).stdout.split()[-1] == "None"
        pytest.skip("PostgreSQL keeps the cache table in the site's database")
    assert site.manage("shell", "-c", SHOW).stdout.split()[-1] == "cache"
    site_file = Path(site.database_url.removeprefix("sqlite:///"))
    cache_file = site_file.with_name(f"{site_file.stem}-cache{site_file.suffix}")
    # `migrate` of the site's database made the cache's table, in the cache's file only.
    assert _tables(cache_file) == {"threadline_cache"}
    assert "threadline_cache" not in _tables(site_file)
    assert _scalar(cache_file, "PRAGMA journal_mode") == "wal"
    assert _scalar(site_file, "PRAGMA journal_mode") == "delete"

    server = site.start()
    assert visitor().get(server, "/posts/two-servers/").status_code == 200
    assert _scalar(cache_file, "SELECT COUNT(*) FROM threadline_cache") > 0
    server.stop()

    # A lost cache file is made again by createcachetable, as `make serve` runs it.
    for path in cache_file.parent.glob(f"{cache_file.name}*"):
        path.unlink()
    site.manage("createcachetable")
    assert _tables(cache_file) == {"threadline_cache"}
