"""The comment table's indexes: each insert writes a page of every index it has an entry in,
so the mostly empty columns are indexed only where they are set (comments/models.py)."""

import pytest
from django.db import IntegrityError, connection, transaction

from comments.models import Comment
from tests.factories import CommentFactory, historical_post, migrate_to

pytestmark = pytest.mark.django_db

PARTIAL = {
    "comment_parent": "parent_id",
    "comment_in_reply_to": "in_reply_to_id",
    "comment_user_created": "user_id",
    "comment_form_nonce_unique": "form_nonce",
}


def _index_definitions():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                [Comment._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s",
                [Comment._meta.db_table],
            )
        return dict(cursor.fetchall())


def test_the_mostly_empty_columns_are_indexed_only_where_set():
    definitions = _index_definitions()
    for name, column in PARTIAL.items():
        where = definitions[name].partition(" WHERE ")[2].replace('"', "")
        assert f"{column} IS NOT NULL" in where, definitions[name]
    # No other index on those columns (Django's own for a foreign key or unique=True).
    for name, definition in definitions.items():
        if name in PARTIAL:
            continue
        columns = definition.partition(" WHERE ")[0].partition("(")[2].replace('"', "")
        first = columns.split(",")[0].strip(" )")
        assert first not in PARTIAL.values(), (name, definition)


def test_look_ups_by_those_columns_use_the_partial_indexes():
    if connection.vendor != "sqlite":
        pytest.skip("the planner's choice is read on SQLite; PostgreSQL costs a tiny table")
    table = Comment._meta.db_table
    for column, index in (
        ("parent_id", "comment_parent"),
        ("in_reply_to_id", "comment_in_reply_to"),
        ("user_id", "comment_user_created"),
        ("form_nonce", "comment_form_nonce_unique"),
    ):
        with connection.cursor() as cursor:
            # As Django asks: the children of a comment, a deletion's cascade (IN), a user's
            # comments, a used form.
            cursor.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE {column} IN (%s, %s)", [1, 2]
            )  # noqa: S608
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert index in plan, (column, plan)


def test_a_used_form_number_is_refused_and_empty_ones_are_not_counted():
    first = CommentFactory(form_nonce="a" * 32)
    CommentFactory(post=first.post, form_nonce=None)
    CommentFactory(post=first.post, form_nonce=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(post=first.post, form_nonce="a" * 32)
    assert Comment.objects.filter(form_nonce__isnull=True).count() == 2


def test_deleting_a_comment_still_takes_its_replies_and_clears_in_reply_to(post):
    top = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=top)
    answering = CommentFactory(post=post, in_reply_to=reply)
    top.delete()
    assert not Comment.objects.filter(pk__in=[top.pk, reply.pk]).exists()
    answering.refresh_from_db()
    assert answering.in_reply_to_id is None


def test_the_row_holds_no_copy_of_the_body_as_html(post):
    """A reply's nested-set shift rewrites every later row of its thread, so the row keeps
    only the text; the HTML is rendered from it (and stored in the comment's fragment)."""
    columns = {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), Comment._meta.db_table
        )
    }
    assert "body" in columns and "body_html" not in columns
    comment = CommentFactory(post=post, body="**Bold** move.\n\nSecond <b>paragraph</b>.")
    fresh = Comment.objects.get(pk=comment.pk)
    assert fresh.body_html == (
        "<p><strong>Bold</strong> move.</p><p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>"
    )
    fresh.body = "Changed."
    assert fresh.body_html == "<p>Changed.</p>"


@pytest.mark.django_db(transaction=True)
def test_going_back_before_the_change_renders_the_html_into_the_column_again():
    before = [("comments", "0015_partial_indexes")]
    old = migrate_to(before)
    post = historical_post(old)
    tree = {"lft": 1, "rght": 2, "level": 0}
    first = old.get_model("comments", "Comment").objects.create(
        post=post, body="Ø *😀*", body_html="", tree_id=1, **tree
    )

    migrate_to()
    assert Comment.objects.get(pk=first.pk).body_html == "<p>Ø <em>😀</em></p>"

    back = migrate_to(before).get_model("comments", "Comment")
    assert back.objects.get(pk=first.pk).body_html == "<p>Ø <em>😀</em></p>"
    migrate_to()
