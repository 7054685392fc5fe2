"""The database cache's table in a database of its own (config/settings.py, CACHE_DATABASE).

In production on SQLite without Redis the cache lives in a second SQLite file beside the
site's, in write-ahead-log mode: a cold page's cache writes then never take the site
database's write lock, which comment writers queue for, and each commits with one sync of
the log instead of the four of the rollback journal the site's database keeps (its backups
and durability unchanged). Elsewhere there is no such database and the cache table, if any,
stays in the site's.
"""

from django.conf import settings

CACHE_APP_LABEL = "django_cache"  # the app label of Django's DatabaseCache model


class CacheRouter:
    def _database(self):
        return getattr(settings, "CACHE_DATABASE", None)

    def db_for_read(self, model, **hints):
        if model._meta.app_label == CACHE_APP_LABEL:
            return self._database()
        return None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        cache_db = self._database()
        if cache_db is None:
            return None
        if app_label == CACHE_APP_LABEL:
            return db == cache_db
        # The cache's database holds the cache table and nothing else.
        return False if db == cache_db else None
