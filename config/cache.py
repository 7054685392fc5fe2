"""Django's cache backends without the per-key memcached check.

BaseCache.validate_key() walks every character of every key looking for what memcached
refuses (spaces, control characters, keys over 250 bytes), and warns. We never run on
memcached, and a post page reads and writes a cache entry per thread (comments/caching.py):
on a cold page of 1,000 comments the check cost more than reading the entries. Keys are
still made with the KEY_PREFIX and version as Django makes them.
"""

from django.core.cache.backends.db import DatabaseCache as _DatabaseCache
from django.core.cache.backends.locmem import LocMemCache as _LocMemCache
from django.core.cache.backends.redis import RedisCache as _RedisCache


class _UncheckedKeys:
    def validate_key(self, key):
        """Accept every key: only memcached needs the check (see the module's docstring)."""


class LocMemCache(_UncheckedKeys, _LocMemCache):
    pass


class RedisCache(_UncheckedKeys, _RedisCache):
    pass


class DatabaseCache(_UncheckedKeys, _DatabaseCache):
    pass
