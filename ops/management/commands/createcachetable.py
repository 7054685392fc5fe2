"""Django's createcachetable, which also makes the table in the cache's own database
(settings.CACHE_DATABASE, config/routers.py) when run for the site's: `make serve` and
operators run it as before, whichever database the cache lives in."""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as DjangoCommand
from django.db import DEFAULT_DB_ALIAS


class Command(DjangoCommand):
    def handle(self, *tablenames, **options):
        super().handle(*tablenames, **options)
        cache_database = getattr(settings, "CACHE_DATABASE", None)
        if cache_database is not None and options["database"] == DEFAULT_DB_ALIAS:
            super().handle(*tablenames, **{**options, "database": cache_database})
