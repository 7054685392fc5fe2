"""Moderation actions: status changes through comments.posting, the audit log, bans, purge."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from comments.trees import find_tree_problems
from moderation import actions
from moderation.models import Ban, ModerationEvent
from tests.factories import CommentFactory, PostFactory, ReportFactory, StaffFactory

pytestmark = pytest.mark.django_db
Status = Comment.Status
Action = ModerationEvent.Action


def test_approving_logs_who_when_which_comment_and_from_to():
    moderator = StaffFactory()
    comment = CommentFactory(status=Status.PENDING)
    before = timezone.now()
    changed = actions.moderate(
        Comment.objects.filter(pk=comment.pk), Action.APPROVE, actor=moderator, reason="Fine."
    )
    assert changed == 1
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    event = ModerationEvent.objects.get()
    assert (event.comment, event.comment_pk, event.actor) == (comment, comment.pk, moderator)
    assert (event.from_status, event.to_status, event.action) == ("pending", "approved", "approve")
    assert event.reason == "Fine."
    assert event.created_at >= before


def test_status_changes_keep_the_posts_comment_count_right():
    post = PostFactory()
    pending = CommentFactory.create_batch(3, post=post, status=Status.PENDING)
    actions.moderate(Comment.objects.filter(pk__in=[c.pk for c in pending]), Action.APPROVE)
    post.refresh_from_db()
    assert post.comment_count == 3
    actions.moderate(Comment.objects.filter(pk=pending[0].pk), Action.SPAM)
    post.refresh_from_db()
    assert post.comment_count == 2


def test_comments_already_in_the_target_status_are_neither_changed_nor_logged():
    CommentFactory(status=Status.APPROVED)
    CommentFactory(status=Status.PENDING)
    assert actions.moderate(Comment.objects.all(), Action.APPROVE) == 1
    assert ModerationEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        (Action.APPROVE, Status.PENDING, Status.APPROVED),
        (Action.SPAM, Status.PENDING, Status.SPAM),
        (Action.REMOVE, Status.APPROVED, Status.REMOVED),
        (Action.RESTORE, Status.REMOVED, Status.APPROVED),
        (Action.HOLD, Status.APPROVED, Status.PENDING),
    ],
)
def test_each_action_sets_its_status(action, start, end):
    comment = CommentFactory(status=start)
    actions.moderate(Comment.objects.filter(pk=comment.pk), action)
    comment.refresh_from_db()
    assert comment.status == end


def test_removing_a_comment_with_replies_keeps_the_replies_public_and_the_tree_valid():
    root = CommentFactory()
    reply = CommentFactory(parent=root)
    grandchild = CommentFactory(parent=reply)
    actions.moderate(Comment.objects.filter(pk=root.pk), Action.REMOVE)
    assert Comment.objects.count() == 3  # soft: nothing deleted
    assert set(Comment.objects.public()) == {reply, grandchild}
    reply.refresh_from_db()
    assert reply.parent_id == root.pk  # still in place, under a placeholder
    assert find_tree_problems() == []


def test_a_moderator_decision_resolves_open_reports():
    report = ReportFactory()
    actions.moderate(Comment.objects.filter(pk=report.comment_id), Action.HOLD)
    report.refresh_from_db()
    assert report.resolved


def test_banning_stores_email_and_ip_once_and_marks_the_comments_spam():
    moderator = StaffFactory()
    a = CommentFactory(email="Troll@Example.com", ip_address="192.0.2.1", status=Status.PENDING)
    b = CommentFactory(email="troll@example.com", ip_address="192.0.2.1", status=Status.APPROVED)
    bans, changed = actions.ban_authors(Comment.objects.all(), actor=moderator)
    assert (bans, changed) == (2, 2)
    assert set(Ban.objects.values_list("email", "ip_address")) == {
        ("troll@example.com", None),
        ("", "192.0.2.1"),
    }
    assert set(Comment.objects.values_list("status", flat=True)) == {"spam"}
    assert ModerationEvent.objects.filter(action=Action.BAN, actor=moderator).count() == 2
    # Banning again adds nothing.
    assert actions.ban_authors(Comment.objects.filter(pk__in=[a.pk, b.pk])) == (0, 0)


def test_banning_by_email_only_leaves_the_ip_alone():
    CommentFactory(email="x@example.com", ip_address="192.0.2.1")
    actions.ban_authors(Comment.objects.all(), by_ip=False)
    assert list(Ban.objects.values_list("email", "ip_address")) == [("x@example.com", None)]


def old(days):
    return timezone.now() - timedelta(days=days)


def test_purge_spam_deletes_old_spam_and_keeps_every_tree_valid():
    post = PostFactory()
    keep_root = CommentFactory(post=post)
    spam_leaf = CommentFactory(parent=keep_root, status=Status.SPAM, created_at=old(40))
    spam_root = CommentFactory(post=post, status=Status.SPAM, created_at=old(40))
    CommentFactory(parent=spam_root, status=Status.SPAM, created_at=old(40))
    recent_spam = CommentFactory(post=post, status=Status.SPAM, created_at=old(2))
    # Old spam with a real reply under it stays, so the reply is not lost.
    spam_with_reply = CommentFactory(post=post, status=Status.SPAM, created_at=old(40))
    good_reply = CommentFactory(parent=spam_with_reply)

    out = StringIO()
    call_command("purge_spam", "--days", "30", stdout=out)

    assert "Deleted 3 spam comments" in out.getvalue()
    assert "kept 1" in out.getvalue()
    remaining = set(Comment.objects.all())
    assert remaining == {keep_root, recent_spam, spam_with_reply, good_reply}
    assert not Comment.objects.filter(pk=spam_leaf.pk).exists()
    assert find_tree_problems() == []
    call_command("check_comment_trees", stdout=StringIO())
    assert ModerationEvent.objects.filter(action=Action.PURGE, comment=None).count() == 3


def test_purge_spam_dry_run_deletes_nothing():
    CommentFactory(status=Status.SPAM, created_at=old(40))
    out = StringIO()
    call_command("purge_spam", "--days", "30", "--dry-run", stdout=out)
    assert "1 spam comments older than 30 days (dry run)" in out.getvalue()
    assert Comment.objects.count() == 1


def test_purge_spam_refuses_a_nonsense_age():
    with pytest.raises(Exception, match="at least 1"):
        call_command("purge_spam", "--days", "0")


def test_the_audit_trail_survives_the_purge_of_its_comment():
    comment = CommentFactory(status=Status.PENDING, created_at=old(60))
    actions.moderate(Comment.objects.filter(pk=comment.pk), Action.SPAM)
    call_command("purge_spam", "--days", "30", stdout=StringIO())
    assert list(
        ModerationEvent.objects.filter(comment_pk=comment.pk).values_list("action", flat=True)
    ) == ["purge", "spam"]
