"""config/routers.py: the database cache's table goes to settings.CACHE_DATABASE when there
is one (production on SQLite), and nothing else does."""

from types import SimpleNamespace

from django.test import override_settings

from config.routers import CacheRouter

CACHE_ENTRY = SimpleNamespace(_meta=SimpleNamespace(app_label="django_cache"))
COMMENT = SimpleNamespace(_meta=SimpleNamespace(app_label="comments"))


def test_without_a_cache_database_the_router_has_no_opinion():
    router = CacheRouter()
    assert router.db_for_read(CACHE_ENTRY) is None
    assert router.db_for_write(CACHE_ENTRY) is None
    assert router.allow_migrate("default", "django_cache") is None


@override_settings(CACHE_DATABASE="cache")
def test_the_cache_table_lives_in_the_cache_database_alone():
    router = CacheRouter()
    assert router.db_for_read(CACHE_ENTRY) == router.db_for_write(CACHE_ENTRY) == "cache"
    assert router.db_for_write(COMMENT) is None
    assert router.allow_migrate("cache", "django_cache") is True
    assert router.allow_migrate("default", "django_cache") is False
    assert router.allow_migrate("cache", "comments") is False
    assert router.allow_migrate("default", "comments") is None


def test_development_and_tests_have_one_database(settings):
    assert list(settings.DATABASES) == ["default"]
    assert getattr(settings, "CACHE_DATABASE", None) is None
