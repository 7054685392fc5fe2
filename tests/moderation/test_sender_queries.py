"""The sender checks (flood, duplicate, known commenter) read the sender's own rows through an
index, never the whole comment table: every new comment runs them, under the sender lock, in
one statement (moderation/sender.py).

Each query they send to the comment table is explained by the database itself: on SQLite no
SCAN of the table (with or without an index walked end to end), on PostgreSQL no sequential
scan even where the planner would take one on a table this small (enable_seqscan off). On
SQLite (no statistics, so the plan does not depend on the rows) every step must also use a
sender index; PostgreSQL's choice among indexes follows the few rows of a test table.
"""

import re

import pytest
from django.db import connection

from comments.models import Comment
from comments.policy import Submission
from moderation.policy import ModerationPolicy
from tests.factories import CommentFactory, PostFactory, UserFactory, make_forest

pytestmark = pytest.mark.django_db

PG = connection.vendor == "postgresql"
TABLE = Comment._meta.db_table
# The foreign key's own index on user_id serves "same account" as well as comment_user_created.
SENDER_INDEXES = (
    "comment_email_created",
    "comment_user_created",
    "comment_ip_created",
    "comments_comment_user_id",
)


@pytest.fixture
def post():
    post = PostFactory()
    make_forest(post, 60, draw=False)
    return post


def _comment_table_reads(action):
    """(sql, params) of every SELECT that `action` sends to the comment table."""
    seen = []

    def record(execute, sql, params, many, context):
        if sql.lstrip("( ").upper().startswith("SELECT") and TABLE in sql:
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return seen


def _plan(sql, params):
    with connection.cursor() as cursor:
        if PG:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def _reads_of_the_table(plan):
    """The plan's steps that read the comment table or one of its indexes."""
    if PG:
        pattern = rf"Scan .*\bon {TABLE}\b|Bitmap Index Scan on "
        return [step for step in plan if re.search(pattern, step)]
    return [step for step in plan if re.match(rf"(SCAN|SEARCH) {TABLE}\b", step.strip())]


def _assert_indexed(reads):
    assert reads, "the sender checks sent no query to the comment table"
    for sql, params in reads:
        steps = _reads_of_the_table(_plan(sql, params))
        assert steps, (sql, params)
        for step in steps:
            assert "Seq Scan" not in step and not step.strip().startswith("SCAN"), (step, sql)
            if not PG:
                assert any(name in step for name in SENDER_INDEXES), (step, sql)


def _sender_checks(comment, **signals):
    submission = Submission(comment=comment, **signals)
    return _comment_table_reads(lambda: ModerationPolicy().assess_sender(submission))


def test_a_guests_flood_duplicate_and_known_commenter_checks_use_the_sender_indexes(post):
    CommentFactory(post=post, name="Ana", email="ana@example.com", ip_address="192.0.2.10")
    comment = Comment(
        post=post, name="ANA", email="Ana@Example.com", ip_address="192.0.2.10", body="Hi."
    )
    reads = _sender_checks(comment, token_email="ana@example.com")
    # Ban, commenter record, flood (e-mail or IP address), known commenter (e-mail and name)
    # and duplicate (e-mail), in one statement (moderation/sender.py); it was five queries.
    assert len(reads) == 1, reads
    _assert_indexed(reads)


def test_a_signed_in_users_checks_use_the_sender_indexes(post):
    user = UserFactory()
    CommentFactory(post=post, user=user, email=user.email, ip_address="192.0.2.11")
    comment = Comment(
        post=post, user=user, name="U", email=user.email, ip_address="192.0.2.11", body="Hi."
    )
    reads = _sender_checks(comment)
    assert len(reads) == 1, reads
    _assert_indexed(reads)
