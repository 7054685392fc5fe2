"""A backup restored into an empty database gives the same site: same rows, sound trees,
the same bytes on every public page, the same media.

The source site is the demo (posts with covers, a few hundred threaded comments) plus a
moderation queue, bans, reports and moderation log entries; the copy is a new SQLite file, and
a new PostgreSQL database too when DATABASE_URL names a PostgreSQL server.
"""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import environ
import pytest

pytestmark = pytest.mark.deploy

BASE_DIR = Path(__file__).resolve().parents[2]

MODERATION_DATA = """
from comments.models import Comment
from moderation import actions
from moderation.models import Ban, Report
from django.contrib.auth import get_user_model

moderator = get_user_model().objects.create_superuser("admin", "admin@example.com", "x-" * 10)
public = list(Comment.objects.filter(status="approved").order_by("pk")[:6])
actions.moderate(Comment.objects.filter(pk=public[0].pk), actions.Action.SPAM, actor=moderator)
actions.moderate(Comment.objects.filter(pk=public[1].pk), actions.Action.REMOVE, actor=moderator)
Ban.objects.create(email="troll@example.com", reason="Abuse", created_by=moderator)
Report.objects.create(comment=public[2], reason=Report.Reason.choices[0][0], ip_address="192.0.2.7")
"""

# Every public page, drawn by Django's test client; form tokens (CSRF, the signed time stamp)
# and the date of an empty feed differ on every drawing, so they are blanked before hashing.
DRAW_PAGES = """
import hashlib, json, os, re
from django.test import Client
from blog.models import Category, Post, Tag
from comments.models import Comment

urls = ["/", "/feeds/rss/", "/feeds/atom/", "/comments/feed/", "/sitemap.xml", "/robots.txt"]
for post in Post.objects.published():
    urls += [post.get_absolute_url(), f"/comments/feed/{post.slug}/",
             post.get_absolute_url() + "?page=2"]
    urls.append(f"/author/{post.author.username}/")
    urls.append(f"/archive/{post.published_at.year}/")
urls += [c.get_absolute_url() for c in Category.objects.all()]
urls += [t.get_absolute_url() for t in Tag.objects.all()]
urls += [f"/comments/{pk}/" for pk in Comment.objects.values_list("pk", flat=True)[:50]]
client = Client()
token = re.compile(r'(name="(?:csrfmiddlewaretoken|rendered)" value=")[^"]*"')
pages = {}
for url in sorted(set(urls)):
    response = client.get(url)
    body = token.sub(r'\\1"', response.content.decode())
    if "<item>" not in body and "<entry>" not in body:
        # A feed with no items is dated "now" by Django's syndication framework.
        body = re.sub(r"<(lastBuildDate|updated)>[^<]*<", r"<\\1><", body)
    if os.environ.get("PAGES_DIR"):  # to look at a difference
        name = re.sub(r"[^a-z0-9]+", "_", url) + ".html"
        with open(os.path.join(os.environ["PAGES_DIR"], name), "w") as page:
            page.write(body)
    pages[url] = [response.status_code, response.get("Location", ""),
                  hashlib.sha256(body.encode()).hexdigest()]
print(json.dumps(pages))
"""


def _env(tmp_path, database_url, media):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "AWS_", "PYTEST_", "TEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        REDIS_URL="",
        MEDIA_ROOT=str(media),
        COMMENTS_POLICY="comments.policy.ApproveAll",
        ALLOWED_HOSTS="testserver",
        DEBUG="false",
    )
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _draw_pages(env, folder=None):
    if folder is not None:
        folder.mkdir()
        env = {**env, "PAGES_DIR": str(folder)}
    # `shell` may print a line about its automatic imports first; the JSON is the last line.
    return json.loads(_manage(env, "shell", "-c", DRAW_PAGES).strip().splitlines()[-1])


def _media_files(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def backup(tmp_path_factory):
    """The demo site with moderation data, its pages and media, and a backup of it."""
    tmp = tmp_path_factory.mktemp("source")
    env = _env(tmp, f"sqlite:///{tmp / 'source.sqlite3'}", tmp / "media")
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    _manage(env, "load_demo")
    _manage(env, "load_demo_comments", "--size", "120")
    _manage(env, "load_moderation_queue", "--count", "20")
    _manage(env, "shell", "-c", MODERATION_DATA)
    _manage(env, "backup", str(tmp / "backup"))
    return {
        "folder": tmp / "backup",
        "pages": _draw_pages(env, tmp / "pages"),
        "media": _media_files(tmp / "media"),
    }


def _postgres_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'copy.sqlite3'}"
        return
    url = _postgres_database()
    if url is None:
        pytest.skip("needs DATABASE_URL=postgres://... (CI runs it on PostgreSQL)")
    import psycopg

    config = environ.Env.db_url_config(url)
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    name = f"threadline_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(**server) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_gives_the_same_rows_trees_pages_and_media(
    backup, empty_database, tmp_path
):
    env = _env(tmp_path, empty_database, tmp_path / "media")
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    out = _manage(env, "restore", str(backup["folder"]))
    assert "Every comment tree is sound." in out

    manifest = json.loads((backup["folder"] / "manifest.json").read_text())
    for model in ("blog.post", "comments.comment", "auth.user", "moderation.ban"):
        assert manifest["rows"].get(model), model
    assert manifest["rows"]["moderation.moderationevent"] >= 2
    assert manifest["rows"]["moderation.report"] >= 1

    pages = _draw_pages(env, tmp_path / "pages")
    assert len(pages) > 20
    assert pages == backup["pages"]
    assert _media_files(tmp_path / "media") == backup["media"]
    assert backup["media"]


def test_restore_refuses_a_database_that_already_holds_a_site(backup, tmp_path):
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'copy.sqlite3'}", tmp_path / "media")
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    _manage(env, "restore", str(backup["folder"]))
    second = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup["folder"])],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert second.returncode != 0
    assert "empty" in second.stderr
