"""Post visibility, publishing and the "Updated" mark."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_published_includes_published_posts_and_scheduled_posts_whose_time_has_come():
    now = timezone.now()
    live = PostFactory(status=Post.Status.PUBLISHED, published_at=now - timedelta(hours=1))
    due = PostFactory(status=Post.Status.SCHEDULED, published_at=now - timedelta(minutes=1))
    PostFactory(status=Post.Status.SCHEDULED, published_at=now + timedelta(hours=1))
    PostFactory(status=Post.Status.PUBLISHED, published_at=now + timedelta(hours=1))
    PostFactory(status=Post.Status.DRAFT, published_at=None)
    PostFactory(status=Post.Status.DRAFT, published_at=now - timedelta(days=1))
    assert set(Post.objects.published()) == {live, due}


def test_is_public_agrees_with_the_published_queryset():
    now = timezone.now()
    posts = [
        PostFactory(status=Post.Status.PUBLISHED, published_at=now - timedelta(hours=1)),
        PostFactory(status=Post.Status.SCHEDULED, published_at=now + timedelta(hours=1)),
        PostFactory(status=Post.Status.DRAFT, published_at=None),
    ]
    public = set(Post.objects.published())
    assert [p.is_public for p in posts] == [p in public for p in posts]


def test_saving_a_published_post_without_a_date_dates_it_now():
    post = PostFactory(status=Post.Status.PUBLISHED, published_at=None)
    assert post.published_at is not None
    assert post in Post.objects.published()


def test_the_database_refuses_a_scheduled_post_without_a_date():
    post = PostFactory(status=Post.Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError):
        Post.objects.filter(pk=post.pk).update(status=Post.Status.SCHEDULED)


def test_a_post_edited_well_after_publication_is_marked_updated():
    post = PostFactory(published_at=timezone.now() - timedelta(days=2))
    assert post.was_updated  # saved now, two days after it went out


def test_a_post_saved_at_publication_time_is_not_marked_updated():
    post = PostFactory(published_at=timezone.now())
    assert not post.was_updated


def test_previous_and_next_skip_drafts_and_scheduled_posts():
    now = timezone.now()
    older = PostFactory(published_at=now - timedelta(days=3))
    PostFactory(status=Post.Status.DRAFT, published_at=now - timedelta(days=2))
    current = PostFactory(published_at=now - timedelta(days=1))
    PostFactory(status=Post.Status.SCHEDULED, published_at=now + timedelta(days=1))
    assert current.previous_published() == older
    assert current.next_published() is None
    assert older.next_published() == current


def test_previous_and_next_break_ties_on_the_same_time_by_id():
    when = timezone.now() - timedelta(hours=1)
    first, second = PostFactory(published_at=when), PostFactory(published_at=when)
    assert first.next_published() == second
    assert second.previous_published() == first


def test_publish_makes_drafts_public_now_and_reports_how_many_changed():
    now = timezone.now()
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    future = PostFactory(status=Post.Status.SCHEDULED, published_at=now + timedelta(days=1))
    old_date = now - timedelta(days=5)
    live = PostFactory(published_at=old_date)

    count = Post.objects.filter(pk__in=[draft.pk, future.pk, live.pk]).publish(now=now)

    assert count == 2
    assert set(Post.objects.published()) == {draft, future, live}
    live.refresh_from_db()
    assert live.published_at == old_date  # an already public post keeps its date


def test_unpublish_turns_posts_into_drafts():
    posts = PostFactory.create_batch(2)
    assert Post.objects.filter(pk__in=[p.pk for p in posts]).unpublish() == 2
    assert not Post.objects.published().exists()


def test_comments_open_follows_the_switch_and_the_closing_date():
    now = timezone.now()
    assert PostFactory().comments_open()
    assert not PostFactory(comments_enabled=False).comments_open()
    assert not PostFactory(comments_close_at=now - timedelta(minutes=1)).comments_open()
    assert PostFactory(comments_close_at=now + timedelta(days=1)).comments_open()


def test_a_post_published_this_instant_is_public_at_once():
    """published() compares with the database's clock; SQLite's reads milliseconds, and a
    post dated within the current millisecond is public all the same."""
    for _ in range(30):
        post = PostFactory(published_at=timezone.now())
        assert Post.objects.published().filter(pk=post.pk).exists()
        assert post.is_public


def test_the_post_page_query_built_once_sees_posts_published_after_it(client):
    """The post page's queryset is built once per process: its time is the database's at
    each query, not the time it was built."""
    from blog.views import post_page_queryset

    earlier = PostFactory()
    assert post_page_queryset().filter(pk=earlier.pk).exists()
    later = PostFactory(published_at=timezone.now())
    assert client.get(later.get_absolute_url()).status_code == 200
    scheduled = PostFactory(
        status=Post.Status.SCHEDULED, published_at=timezone.now() + timedelta(hours=1)
    )
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    assert client.get(scheduled.get_absolute_url()).status_code == 200
