"""The demo content and admin account commands behind `make run`."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from blog.models import Category, Post, SocialLink, Tag
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo_covers(monkeypatch):
    """Drawing and resizing full-size covers is the slow part; small ones test the same path."""
    monkeypatch.setattr("blog.management.commands.load_demo.COVER_SIZE", (320, 180))


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_demo_creates_posts_across_categories_with_every_kind_of_status(small_demo_covers):
    output = run("load_demo")
    assert "12 new post(s)" in output
    assert Category.objects.count() == 4
    assert Tag.objects.count() >= 5
    public = Post.objects.published()
    assert public.count() == 10
    assert Post.objects.filter(status="draft").count() == 1
    assert Post.objects.filter(status="scheduled").exclude(pk__in=public).count() == 1
    assert Post.objects.filter(comments_enabled=False).count() == 1
    assert public.exclude(dateline="").exists() and public.exclude(source="").exists()
    assert [p.was_updated for p in public].count(True) == 1
    assert SocialLink.objects.count() == 4


def test_load_demo_draws_covers_and_makes_renditions_without_metadata(small_demo_covers):
    run("load_demo")
    for post in Post.objects.all():
        assert post.cover_alt
        assert post.cover_renditions, post.slug
        with post.cover_image.open("rb"), Image.open(post.cover_image) as image:
            assert image.size == (320, 180)
            assert not image.getexif()


def test_load_demo_is_idempotent(small_demo_covers):
    run("load_demo")
    counts = (Post.objects.count(), Category.objects.count(), Tag.objects.count())
    users = get_user_model().objects.count()
    output = run("load_demo")
    assert "0 new post(s)" in output
    assert (Post.objects.count(), Category.objects.count(), Tag.objects.count()) == counts
    assert get_user_model().objects.count() == users
    assert SocialLink.objects.count() == 4


def test_load_demo_leaves_an_edited_post_alone(small_demo_covers):
    run("load_demo")
    post = Post.objects.published().first()
    Post.objects.filter(pk=post.pk).update(title="Edited by an editor")
    run("load_demo")
    post.refresh_from_db()
    assert post.title == "Edited by an editor"


def test_demo_authors_cannot_log_in(small_demo_covers):
    run("load_demo")
    for author in get_user_model().objects.filter(posts__isnull=False).distinct():
        assert not author.has_usable_password()


def test_ensure_admin_creates_a_superuser_with_a_printed_random_password():
    output = run("ensure_admin")
    password = output.split("password:")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert len(password) >= 20
    assert admin.check_password(password)


def test_ensure_admin_makes_a_different_password_each_time():
    first = run("ensure_admin").split("password:")[1].split()[0]
    get_user_model().objects.all().delete()
    second = run("ensure_admin").split("password:")[1].split()[0]
    assert first != second


def test_ensure_admin_leaves_an_existing_account_alone_and_says_how_to_reset():
    run("ensure_admin")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("my own password 123")
    admin.save()
    output = run("ensure_admin")
    assert "already exists" in output
    assert "python manage.py changepassword admin" in output
    assert "password:" not in output
    admin.refresh_from_db()
    assert admin.check_password("my own password 123")
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_process_covers_makes_missing_renditions_only(gps_jpeg_upload):
    post = PostFactory()
    post.cover_image.save("shell.jpg", gps_jpeg_upload, save=True)  # as from a shell: no renditions
    PostFactory()  # no cover at all
    assert "Processed 1 cover image(s)." in run("process_covers")
    post.refresh_from_db()
    assert len(post.cover_renditions) == 2
    assert "Processed 0 cover image(s)." in run("process_covers")
    assert "Processed 1 cover image(s)." in run("process_covers", "--all")
