"""Moderation reasons are stored as stable codes plus text; the queue filters on the codes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from comments.models import Comment
from moderation.actions import TARGET_STATUS, action_for
from moderation.models import ModerationEvent
from moderation.policy import ReasonCode
from tests.factories import CommentFactory, PostFactory, submit_comment

Status = Comment.Status
Action = ModerationEvent.Action


@pytest.mark.django_db
def test_the_policy_stores_a_code_with_each_reason():
    comment = submit_comment(
        PostFactory(),
        body="see https://a.example https://b.example https://c.example",
        elapsed=30.0,
    )
    codes = [reason["code"] for reason in comment.moderation_reasons]
    assert codes == [ReasonCode.LINKS, ReasonCode.FIRST_TIME]
    assert comment.reason_texts[0] == "Held: 3 links (more than 2)."
    assert comment.moderation_codes == " links first_time "


@pytest.mark.django_db
def test_rewording_a_reason_does_not_change_what_the_filter_finds(admin_client):
    CommentFactory(
        body="reworded",
        status=Status.PENDING,
        moderation_reasons=[{"code": "links", "text": "Waiting: far too many web addresses."}],
    )
    CommentFactory(
        body="other",
        status=Status.PENDING,
        moderation_reasons=[{"code": "first_time", "text": "Held: 3 links (more than 2)."}],
    )
    response = admin_client.get(reverse("admin:comments_comment_changelist"), {"why": "links"})
    assert "reworded" in response.text
    assert "other" not in response.text.split('id="result_list"')[1]


@pytest.mark.parametrize(
    ("old", "new", "action"),
    [
        (Status.PENDING, Status.APPROVED, Action.APPROVE),
        (Status.SPAM, Status.APPROVED, Action.APPROVE),
        (Status.REMOVED, Status.APPROVED, Action.RESTORE),
        (Status.APPROVED, Status.SPAM, Action.SPAM),
        (Status.APPROVED, Status.REMOVED, Action.REMOVE),
        (Status.APPROVED, Status.PENDING, Action.HOLD),
    ],
)
def test_one_table_maps_a_status_change_to_its_audit_action(old, new, action):
    assert action_for(old, new) == action
    assert TARGET_STATUS[action] == new


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_old_free_text_reasons_their_codes():
    executor = MigrationExecutor(connection)
    before = [("comments", "0004_sender_indexes")]
    after = [("comments", "0005_moderation_reason_codes")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    author = old.get_model("auth", "User").objects.create(username="writer")
    post = old.get_model("blog", "Post").objects.create(
        title="T", slug="t", body="b", author_id=author.pk
    )
    old.get_model("comments", "Comment").objects.create(
        post=post,
        body="x",
        status="pending",
        moderation_reason="Held: 4 links (more than 2).; Held: first comment from this author.",
        lft=1,
        rght=2,
        tree_id=1,
        level=0,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    comment = new.get_model("comments", "Comment").objects.get()
    assert comment.moderation_reasons == [
        {"code": "links", "text": "Held: 4 links (more than 2)."},
        {"code": "first_time", "text": "Held: first comment from this author."},
    ]
    assert comment.moderation_codes == " links first_time "
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_queue_can_show_the_comments_held_for_a_name_like_staff(admin_client):
    CommentFactory(
        body="pretender",
        status=Status.PENDING,
        moderation_reasons=[
            {"code": "impersonation", "text": "Held: the name looks like “Admin”."}
        ],
    )
    CommentFactory(body="ordinary", status=Status.PENDING)
    response = admin_client.get(
        reverse("admin:comments_comment_changelist"), {"why": "impersonation"}
    )
    rows = response.text.split('id="result_list"')[1]
    assert "pretender" in rows and "ordinary" not in rows
