"""Backups that restore into any empty database: the site's rows as JSON, its media as a tar.

A backup is a folder:
- data.xml: every row worth keeping (posts, users and groups, comment trees with their
  nested-set columns, moderation settings, bans, blocklist, reports, the moderation log, the
  admin log), from `dumpdata` with natural keys, so it loads on SQLite or PostgreSQL alike.
  XML rather than JSON because Django's JSON encoder cuts times to milliseconds, which would
  change every time stamp shown on the pages;
- media.tar.gz: MEDIA_ROOT (when media lives on disk; object storage keeps its own copies);
- manifest.json: rows per model and the migrations the data was written under.

Left out on purpose: sessions (readers sign in again), content types and permissions (made by
`migrate` in the new database), the cache table and the task queue.
"""

import io
import json
import tarfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from blog.site import clear_site_cache

# The task queue's rows are work in flight, not content (restored, they would run again), and
# django_rq's only model is an unmanaged admin page with no table. The outbox is kept.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "django_tasks_database", "django_rq"]
DATA, MEDIA, MANIFEST = "data.xml", "media.tar.gz", "manifest.json"


class BackupError(Exception):
    pass


def media_on_disk():
    return isinstance(default_storage, FileSystemStorage)


def write_backup(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=True,
        exclude=EXCLUDED,
        format="xml",
        indent=1,
        stdout=buffer,
    )
    data = buffer.getvalue()
    (folder / DATA).write_text(data, encoding="utf-8")
    if media_on_disk() and Path(settings.MEDIA_ROOT).is_dir():
        with tarfile.open(folder / MEDIA, "w:gz") as archive:
            archive.add(settings.MEDIA_ROOT, arcname="media")
    manifest = {"rows": _row_counts(data), "migrations": _applied_migrations()}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def restore_backup(folder):
    """Load a backup into this (migrated, empty) database and MEDIA_ROOT; returns row counts."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    missing = sorted(set(manifest["migrations"]) - set(_applied_migrations()))
    if missing:
        raise BackupError(
            "The database lacks migrations the backup was written under; run `migrate` "
            f"first ({', '.join(missing[:5])}{'...' if len(missing) > 5 else ''})."
        )
    if _holds_content():
        raise BackupError(
            "The database already holds posts, comments or users: restore only "
            "into an empty, freshly migrated database."
        )
    call_command("loaddata", str(folder / DATA), verbosity=0)
    clear_site_cache()
    if (folder / MEDIA).exists():
        if not media_on_disk():
            raise BackupError("The backup has media files but media lives in object storage.")
        _extract_media(folder / MEDIA, Path(settings.MEDIA_ROOT))
    return manifest["rows"]


def _holds_content():
    names = ["blog.Post", "comments.Comment", settings.AUTH_USER_MODEL]
    return any(apps.get_model(name).objects.exists() for name in names)


def _extract_media(path, media_root):
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()):
                raise BackupError(f"Unexpected entry in the media archive: {member.name}")
            relative = Path(member.name).relative_to("media")
            target = (media_root / relative).resolve()
            if not target.is_relative_to(media_root.resolve()):
                raise BackupError(f"Unsafe path in the media archive: {member.name}")
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())


def _row_counts(data):
    objects = ElementTree.fromstring(data).findall("object")
    return dict(sorted(Counter(element.get("model") for element in objects).items()))


def _applied_migrations():
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())
