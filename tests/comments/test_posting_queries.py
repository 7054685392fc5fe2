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


@pytest.mark.django_db(transaction=True)  # no test transaction around the request's
def test_a_comment_through_the_form_takes_one_savepoint_the_task_queues(
    client, post, post_url, guest_data
):
    """The storing transaction has no savepoint of its own (the tree write runs in it); the
    one savepoint guards the task's row, so that a failed enqueue spoils nothing."""
    guest_data["rendered"] = new_stamp(now=time.time() - 30)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(post_url, guest_data).status_code == 302
    savepoints = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 1, savepoints
    task = next(
        i for i, q in enumerate(queries.captured_queries) if "dbtaskresult" in q["sql"].lower()
    )
    assert queries.captured_queries[task - 1]["sql"].startswith("SAVEPOINT")


def test_a_reused_form_is_refused_after_the_storing_transaction_rolled_back(
    client, post, post_url, guest_data
):
    guest_data["rendered"] = new_stamp(now=time.time() - 30)
    assert client.post(post_url, guest_data).status_code == 302
    guest_data["body"] = "Another text, the same form."
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert "already used to post a comment" in response.text
    assert Comment.objects.count() == 1
    assert Post.objects.get(pk=post.pk).comment_count == 1


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


def test_the_posting_paths_own_insert_stores_every_field_as_save_would(post):
    """save_new_comment's INSERT is built once (comments.posting._insert): every column holds
    what the instance holds, and the instance is left as save() leaves it (saved again, it
    is updated in place; django-mptt sees no move)."""
    parent = CommentFactory(post=post, stored=True)
    comment = draft_comment(
        post=post,
        body="Some **bold** text",
        parent=parent.pk,
        name="Zoë 😀",
        email="z@example.com",
        url="https://example.com/z",
        ip_address="2001:db8::1",
        user_agent="Agent",
    )
    comment.status = "approved"
    comment.moderation_reasons = [{"code": "links", "text": "Held: links."}]
    save_new_comment(comment)
    assert comment.pk and not comment._state.adding
    stored = Comment.objects.get(pk=comment.pk)
    for field in Comment._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(comment, field.attname), field.name
    assert stored.body_html == "<p>Some <strong>bold</strong> text</p>"
    assert stored.moderation_codes == " links "
    with CaptureQueriesContext(connection) as queries:
        comment.name = "Zoë M."
        comment.save()
    writes = [q for q in _statements(queries) if not q.startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith('UPDATE "comments_comment"'), writes
    assert Comment.objects.get(pk=comment.pk).name == "Zoë M."
    assert find_tree_problems() == []


def test_a_reply_attached_at_the_depth_cap_is_not_moved_when_saved_again(post, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    root = CommentFactory(post=post, stored=True)
    child = CommentFactory(post=post, parent=root, stored=True)
    comment = draft_comment(post=post, body="Deep.", parent=child.pk, name="Ann")
    comment.status = "approved"
    save_new_comment(comment)
    assert comment.parent_id == root.pk and comment.in_reply_to_id == child.pk
    with CaptureQueriesContext(connection) as queries:
        comment.save()
    assert len([q for q in _statements(queries) if not q.startswith("SELECT")]) == 1
    assert Comment.objects.get(pk=comment.pk).parent_id == root.pk
    assert find_tree_problems() == []
