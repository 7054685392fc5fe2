"""Readers replying in the same thread at the same moment never corrupt a tree.

Real transactions (transaction=True) on a file database (tests/conftest.py), one connection
per thread: a rolled-back test transaction or a shared in-memory database would hide the race.
"""

import pytest

from blog.models import Post
from comments.models import Comment
from comments.posting import delete_comment
from comments.trees import find_tree_problems
from tests.factories import PostFactory, submit_comment

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
WRITES_PER_THREAD = 12


def test_concurrent_replies_and_new_threads_keep_every_tree_sound(at_once):
    post = PostFactory()
    root = submit_comment(post, name="Root", email="r@example.com", body="Start")

    def work(number):
        parent = root
        for step in range(WRITES_PER_THREAD):
            if step % 4 == 3:
                # A new top-level thread: allocates a new tree_id at the same time as others.
                submit_comment(post, name=f"T{number}", email="t@example.com", body="New")
                continue
            target = Comment.objects.get(pk=parent.pk) if step % 2 else root
            parent = submit_comment(
                post, parent=target, name=f"T{number}", email="t@example.com", body="Re"
            )

    errors = at_once(work, THREADS)
    assert errors == []
    assert find_tree_problems() == []
    total = 1 + THREADS * WRITES_PER_THREAD
    assert Comment.objects.filter(post=post).count() == total
    roots = Comment.objects.filter(post=post, level=0)
    assert roots.values("tree_id").distinct().count() == roots.count() == 1 + THREADS * 3
    assert Post.objects.get(pk=post.pk).comment_count == total


def test_concurrent_deletes_and_replies_keep_every_tree_sound(at_once):
    post = PostFactory()
    root = submit_comment(post, name="Root", email="r@example.com", body="Start")
    doomed = [
        submit_comment(post, parent=root, name="D", email="d@example.com", body="x")
        for _ in range(THREADS)
    ]

    def work(number):
        for step in range(WRITES_PER_THREAD // 2):
            if step == 2:
                delete_comment(doomed[number])
            submit_comment(post, parent=root, name=f"T{number}", email="t@example.com", body="R")

    errors = at_once(work, THREADS)
    assert errors == []
    assert find_tree_problems() == []
    assert Comment.objects.filter(post=post).count() == 1 + THREADS * (WRITES_PER_THREAD // 2)
    assert Post.objects.get(pk=post.pk).comment_count == 1 + THREADS * (WRITES_PER_THREAD // 2)
