"""config.cache: Django's backends without the memcached key check (the module says why)."""

import warnings

from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning


def test_the_default_cache_is_ours_and_skips_the_memcached_key_check():
    cache = caches["default"]
    assert type(cache).__module__ == "config.cache"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        cache.set("thread:1:2:a b", b"<article>", 60)
        assert cache.get("thread:1:2:a b") == b"<article>"
