"""Creates the database cache table when the database cache is configured.

In production without REDIS_URL the cache lives in the database (config/settings.py), so that
every worker and every server sees one cache; running `migrate` is then enough to create it.
On SQLite the cache has a database of its own (config/routers.py): the migration of the
site's database makes the table there (ops' createcachetable). `createcachetable` does nothing
for other cache backends, for a database the router keeps the cache out of, and when the table
exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
