"""Post.thread_count: the public's threads, kept by comments.posting, and the pages read from it."""

import pytest
from django.test import override_settings

from blog.models import Post
from comments import pages
from comments.models import Comment
from comments.posting import change_status, save_new_comment
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _new(post, parent=None, status="approved"):
    comment = Comment(post=post, parent=parent, name="A", email="a@example.com", status=status)
    return save_new_comment(comment, check_parent=False)


def _stored(post):
    return Post.objects.get(pk=post.pk).thread_count


def test_inserts_and_status_changes_keep_the_thread_count():
    post = PostFactory()
    first = _new(post)
    _new(post, parent=first)
    held = _new(post, status="pending")
    assert _stored(post) == 1
    change_status(Comment.objects.filter(pk=held.pk), "approved")
    assert _stored(post) == 2
    change_status(Comment.objects.filter(pk=first.pk), "removed")
    assert _stored(post) == 2  # its public reply keeps the thread (a placeholder)
    alone = _new(post, status="spam")
    _new(post, parent=alone)  # the first public comment of a hidden thread
    assert _stored(post) == 3
    assert _stored(post) == pages.roots(post).count()


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
@pytest.mark.parametrize("order", list(pages.ORDERS))
def test_every_page_read_with_the_stored_count_is_the_page_counted_live(order):
    post = PostFactory()
    tops = [_new(post) for _ in range(11)]
    for n, top in enumerate(tops[::2]):
        for _ in range(n):
            _new(post, parent=top)
    change_status(Comment.objects.filter(pk=tops[3].pk), "removed")
    post = Post.objects.get(pk=post.pk)
    for number in (1, 2, 3, 4, 5, 99):
        # A pk, not a Post: the threads are counted live.
        stored = pages._page_index(post, order, number, 3, set(), store=None)
        live = pages._page_index(post.pk, order, number, 3, set(), store=None)
        assert stored[:3] == live[:3]
