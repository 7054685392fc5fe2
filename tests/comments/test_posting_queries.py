"""The posting path's query budget: the parent is loaded once, under the lock."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.forms import new_stamp
from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_a_reply_through_the_form_loads_its_parent_once(client, post, post_url, guest_data):
    parent = CommentFactory(post=post, stored=True)
    guest_data["parent"] = parent.pk
    guest_data["rendered"] = new_stamp(now=time.time() - 30)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(post_url, guest_data)
    assert response.status_code == 302
    assert Comment.objects.filter(parent=parent).count() == 1
    sql = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))
    ]
    full_row = 'SELECT "comments_comment"."id", "comments_comment"."post_id"'
    parent_loads = [q for q in sql if q.startswith(full_row) and f'"id" = {parent.pk}' in q]
    assert len(parent_loads) == 1, parent_loads
    # The post, the lock, the parent, django-mptt's read of the parent's tree columns and its
    # shift of the later rows, the insert, its stored HTML, the comment count, and the
    # redirect's page number (2). It was 12 when the form and the renderer loaded the parent.
    # PostgreSQL adds one statement: the advisory locks keyed by the sender.
    assert len(sql) <= 10 + (connection.vendor == "postgresql"), sql
