"""Django's cache backends without the per-key memcached check, and a database cache that
writes a batch of entries in one transaction.

BaseCache.validate_key() walks every character of every key looking for what memcached
refuses (spaces, control characters, keys over 250 bytes), and warns. We never run on
memcached, and a post page reads and writes a cache entry per thread (comments/caching.py):
on a cold page of 1,000 comments the check cost more than reading the entries. Keys are
still made with the KEY_PREFIX and version as Django makes them.

Django's DatabaseCache (production without Redis, config/settings.py) writes each entry
with a COUNT(*) of the whole table, a SELECT and an INSERT or UPDATE in a transaction of its
own, and its set_many() does that once per entry. A cold post page stores a dozen entries
(its threads, the page of the thread list, the Featured list, the whole page), so on SQLite
it committed a dozen times, each taking the database's write lock that comment writers wait
for: page 1 of a 1,000-comment discussion took 21-24 ms against 6.6 ms with the local-memory
cache. Here set() and set_many() count once and write every entry with one upsert
(INSERT ... ON CONFLICT, SQLite 3.24+ and PostgreSQL 9.5+) in one transaction; add() is one
upsert that replaces only an expired entry, and get_or_set() reads again only when another
writer's entry won. The values, expiry times and culling are Django's own (pickled, base64,
the MAX_ENTRIES and CULL_FREQUENCY options, its private _cull()), so get() and every other
method read them as Django writes them (tests/test_cache_backends.py, on Django 5.2 and 6);
only the count before a write is PostgreSQL's estimate there (_count).
"""

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as _DatabaseCache
from django.core.cache.backends.locmem import LocMemCache as _LocMemCache
from django.core.cache.backends.redis import RedisCache as _RedisCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

# Rows per INSERT: three parameters each, well under SQLite's limit of 32,766.
UPSERT_ROWS = 300


class _UncheckedKeys:
    def validate_key(self, key):
        """Accept every key: only memcached needs the check (see the module's docstring)."""


class LocMemCache(_UncheckedKeys, _LocMemCache):
    pass


class RedisCache(_UncheckedKeys, _RedisCache):
    pass


class DatabaseCache(_UncheckedKeys, _DatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Store every entry of `data` in one transaction; returns the keys that could not
        be stored (all of them when the database refused the write, as Django's own set()
        fails silently, so that a busy database never turns a page into an error)."""
        if not data:
            return []
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("sqlite", "postgresql"):
            return super().set_many(data, timeout=timeout, version=version)
        expires = connection.ops.adapt_datetimefield_value(self._expiry(timeout))
        rows = [
            (self.make_and_validate_key(key, version=version), self._encoded(value), expires)
            for key, value in data.items()
        ]
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                self._make_room(db, cursor, len(rows))
                for start in range(0, len(rows), UPSERT_ROWS):
                    batch = rows[start : start + UPSERT_ROWS]
                    cursor.execute(
                        self._upsert_sql(connection, len(batch)),
                        [value for row in batch for value in row],
                    )
        except DatabaseError:
            return list(data)
        return []

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Django's add() (store unless a live entry holds the key; True when stored) in one
        upsert that changes an existing entry only when it has expired."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("sqlite", "postgresql"):
            return super().add(key, value, timeout=timeout, version=version)
        key = self.make_and_validate_key(key, version=version)
        row = [
            key,
            self._encoded(value),
            connection.ops.adapt_datetimefield_value(self._expiry(timeout)),
        ]
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        table = connection.ops.quote_name(self._table)
        expires = connection.ops.quote_name("expires")
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                self._make_room(db, cursor, 1)
                cursor.execute(
                    f"{self._upsert_sql(connection, 1)} WHERE {table}.{expires} < %s", [*row, now]
                )
                return cursor.rowcount == 1
        except DatabaseError:
            return False

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        """Django's get_or_set() without its second read when add() stored the value: only
        when another writer's entry won is that one read and returned."""
        missing = object()
        value = self.get(key, missing, version=version)
        if value is not missing:
            return value
        if callable(default):
            default = default()
        if self.add(key, default, timeout=timeout, version=version):
            return default
        return self.get(key, default, version=version)

    def _make_room(self, db, cursor, adding):
        """Django's count and cull before a write, counting the `adding` entries about to be
        written (Django counts before each one)."""
        count = self._count(connections[db], cursor)
        if count + adding > self._max_entries:
            self._cull(db, cursor, tz_now().replace(microsecond=0), count + adding)

    def _count(self, connection, cursor):
        """The number of entries. On PostgreSQL the planner's estimate once the table has
        been analysed (autovacuum keeps it within about a tenth): an exact COUNT(*) is a
        scan there, 1.5 ms at 50,000 entries on a freshly vacuumed table and more on a
        churned one, before every write. SQLite counts a B-tree's cells (0.01-0.8 ms)."""
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(self._table)],
            )
            row = cursor.fetchone()
            if row is not None and row[0] >= 0:  # -1: never analysed (PostgreSQL 14+)
                return int(row[0])
        table = connection.ops.quote_name(self._table)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]

    def _expiry(self, timeout):
        """The expiry time Django's DatabaseCache stores for `timeout`."""
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            return datetime.max.replace(microsecond=0)
        tz = UTC if settings.USE_TZ else None
        return datetime.fromtimestamp(timeout, tz=tz).replace(microsecond=0)

    def _encoded(self, value):
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def _upsert_sql(self, connection, rows):
        quote = connection.ops.quote_name
        key, value, expires = (quote(name) for name in ("cache_key", "value", "expires"))
        marks = ", ".join(["(%s, %s, %s)"] * rows)
        return (
            f"INSERT INTO {quote(self._table)} ({key}, {value}, {expires}) "  # noqa: S608
            f"VALUES {marks} ON CONFLICT ({key}) DO UPDATE SET "
            f"{value} = EXCLUDED.{value}, {expires} = EXCLUDED.{expires}"
        )
