"""The posting path's query budget: the parent is loaded once, under the lock, and the new row
is written once, its stored HTML once (in the fragment table).

Counted without SAVEPOINT / RELEASE (the transaction's own bookkeeping). PostgreSQL differs in
two places: the advisory lock keyed by the sender (post_comment), and the global new-tree
lock (a new top-level comment).
"""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments.forms import new_stamp
from comments.models import Comment
from comments.posting import draft_comment, save_new_comment
from comments.trees import find_tree_problems
from tests.factories import CommentFactory, make_forest, stored_html

pytestmark = pytest.mark.django_db

PG = connection.vendor == "postgresql"


def _statements(queries):
    return [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
    ]


def _post_through_the_form(client, post_url, guest_data, parent=None):
    guest_data["parent"] = parent.pk if parent else ""
    guest_data["rendered"] = new_stamp(now=time.time() - 30)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(post_url, guest_data)
    assert response.status_code == 302
    return _statements(queries)


def test_a_reply_through_the_form_loads_its_parent_once(client, post, post_url, guest_data):
    parent = CommentFactory(post=post, stored=True)
    sql = _post_through_the_form(client, post_url, guest_data, parent)
    assert Comment.objects.filter(parent=parent).count() == 1
    loads_it = re.compile(rf'FROM "comments_comment".* WHERE .*"id" = {parent.pk}\b')
    parent_loads = [q for q in sql if loads_it.search(q)]
    assert len(parent_loads) == 1, parent_loads
    inserts = [q for q in sql if q.startswith('INSERT INTO "comments_comment"')]
    fragments = [q for q in sql if "comments_fragment" in q]
    assert len(inserts) == 1 and len(fragments) == 1, sql
    assert fragments[0].startswith('INSERT INTO "comments_fragment"'), fragments
    # The post; the post's lock, which is also its comment count; the parent; the shift of
    # the later rows; the insert; the insert of its HTML (a table of its own, so that the
    # shift rewrites small rows); the redirect's page number (2) and whether the page folds
    # its thread (1: the page's threads). It was 12, then 10 (the parent read twice, the HTML
    # a second write of the comment's row). Plus the notification task, written in the
    # storing transaction (it always was written, after the commit, in a transaction of its
    # own that a test never saw).
    assert len(sql) == 10 + PG, sql
    assert find_tree_problems() == []


def test_a_new_thread_through_the_form(client, post, post_url, guest_data):
    sql = _post_through_the_form(client, post_url, guest_data)
    # The post; its lock and count; (PostgreSQL: the new-tree lock); the next tree id; the
    # insert; its HTML; the notification task (in the storing transaction, see above); the
    # redirect's page number (2).
    assert len(sql) == 8 + 2 * PG, sql
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert find_tree_problems() == []


def _saved_alone(post, *, parent=None, status="approved"):
    comment = draft_comment(post=post, body="A reply.", parent=parent, name="Ann", email="a@x.io")
    comment.status = status
    with CaptureQueriesContext(connection) as queries:
        save_new_comment(comment)
    return comment, _statements(queries)


def test_save_new_comment_alone_writes_a_reply_in_five_statements(post):
    make_forest(post, 200)
    parent = Comment.objects.filter(post=post).order_by("-level", "pk").first()
    comment, sql = _saved_alone(post, parent=parent.pk)
    # Lock + count, parent, shift, insert, its HTML: the raw nested-set insert plus three.
    assert len(sql) == 5, sql
    comment.refresh_from_db()
    assert comment.parent_id == parent.pk and comment.level == parent.level + 1
    assert f'id="comment-{comment.pk}"' in stored_html(comment)
    assert find_tree_problems() == []


def test_save_new_comment_alone_writes_a_new_thread_in_four_statements(post):
    make_forest(post, 50)
    comment, sql = _saved_alone(post)
    assert len(sql) == 4 + PG, sql
    comment.refresh_from_db()
    assert comment.level == 0 and (comment.lft, comment.rght) == (1, 2)
    assert f'id="comment-{comment.pk}"' in stored_html(comment)
    assert find_tree_problems() == []


def test_a_held_reply_takes_the_lock_without_counting_but_with_a_new_stamp(post):
    parent = CommentFactory(post=post, stored=True)
    count = Post.objects.get(pk=post.pk).comment_count
    _, sql = _saved_alone(post, parent=parent.pk, status="pending")
    # The post's new comments stamp (its UPDATE is also the lock), the parent, the shift, the
    # insert, its HTML: a held reply shows to its poster, so the page index changes.
    assert len(sql) == 5, sql
    assert Post.objects.get(pk=post.pk).comment_count == count
    assert find_tree_problems() == []
