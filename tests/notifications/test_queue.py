"""The task queue and the outbox: nothing sent in the request, nothing for a rolled-back
comment, SMTP failures retried later, nothing lost, nothing sent twice, failures in admin."""

import smtplib

import django
import pytest
from django.core import mail
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.policy import Submission
from comments.posting import draft_comment, post_comment
from notifications import outbox
from notifications.models import Address, OutgoingMail, Subscription
from tests.factories import CommentFactory, StaffFactory

pytestmark = pytest.mark.django_db
State = OutgoingMail.State


@pytest.fixture
def subscribed(post):
    """Zoë's comment, her confirmed address asking for replies."""
    comment = CommentFactory(post=post, name="Zoë", email="zoe@example.com", stored=True)
    Subscription.objects.create(comment=comment, email="zoe@example.com")
    Address.objects.create(email="zoe@example.com", confirmed_at=comment.created_at)
    return comment


def reply(parent, body="I agree."):
    comment = draft_comment(
        post=parent.post, parent=parent, name="Bob", email="bob@example.com", body=body
    )
    return post_comment(Submission(comment=comment))


class FlakySMTP:
    """An e-mail backend whose server refuses the first `failures` sends."""

    failures = 0
    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FlakySMTP.calls += 1
        if FlakySMTP.calls <= FlakySMTP.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakySMTP"
    FlakySMTP.calls = 0

    def failing(times):
        FlakySMTP.failures = times

    return failing


def test_a_reply_is_queued_on_commit_and_mailed_by_the_worker_not_the_request(
    subscribed, work, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply(subscribed)
    assert mailoutbox == []  # nothing was sent by the code that stored the comment
    assert DBTaskResult.objects.ready().count() == 1
    work()
    assert [m.to for m in mailoutbox] == [["zoe@example.com"]]
    assert OutgoingMail.objects.get(kind="reply").state == State.SENT


def test_a_rolled_back_comment_queues_and_sends_nothing(
    subscribed, work, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reply(subscribed)
        raise RuntimeError("the request failed after storing the comment")
    assert callbacks == []
    assert not Comment.objects.filter(name="Bob").exists()
    work()
    assert mailoutbox == [] and not DBTaskResult.objects.exists()


def test_the_task_is_written_in_the_transaction_that_stores_the_comment(
    subscribed, django_capture_on_commit_callbacks
):
    """One commit for the comment and its task: nothing is left to do after the commit."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        reply(subscribed)
        assert DBTaskResult.objects.ready().count() == 1
    assert callbacks == []


def test_a_queue_that_fails_keeps_the_comment(subscribed, monkeypatch, caplog):
    """A failed enqueue rolls back to its own savepoint (PostgreSQL would otherwise refuse
    every later statement of the transaction) and is logged; the comment stays stored."""

    def broken(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(
        "django_tasks_db.backend.DatabaseBackend._task_to_db_task", broken, raising=True
    )
    with caplog.at_level("ERROR", logger="notifications.events"):
        stored = reply(subscribed)
    assert Comment.objects.filter(pk=stored.pk, name="Bob").exists()
    assert not DBTaskResult.objects.exists()
    assert "Could not queue the posted event" in caplog.text


def test_another_queue_hears_of_the_comment_only_once_it_commits(
    subscribed, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The immediate backend runs the task at once: it must not run before the commit."""
    tasks = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
    settings.TASKS = {"default": {"BACKEND": f"{tasks}.backends.immediate.ImmediateBackend"}}
    heard = []
    monkeypatch.setattr("notifications.telling.handle", lambda event, data: heard.append(event))
    with django_capture_on_commit_callbacks() as callbacks:
        reply(subscribed)
    assert len(callbacks) == 1 and heard == []
    callbacks[0]()
    assert heard == ["posted"]


def test_a_failing_smtp_server_is_tried_again_later_and_the_mail_goes_out_once(
    subscribed, work, later, flaky, django_capture_on_commit_callbacks
):
    flaky(2)
    with django_capture_on_commit_callbacks(execute=True):
        reply(subscribed)
    work()
    row = OutgoingMail.objects.get(kind="reply")
    assert (row.state, row.attempts, mail.outbox) == (State.QUEUED, 1, [])
    assert "SMTPServerDisconnected" in row.last_error
    work()  # the next try is a minute away: nothing happens yet
    assert OutgoingMail.objects.get(pk=row.pk).attempts == 1
    later(60)
    work()
    assert OutgoingMail.objects.get(pk=row.pk).attempts == 2
    later(300)
    work()
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 3)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zoe@example.com"]
    later(10_000)
    work()
    assert len(mail.outbox) == 1


def test_a_mail_that_fails_every_try_is_failed_and_visible_to_staff_in_admin(
    subscribed, work, later, flaky, client, django_capture_on_commit_callbacks
):
    flaky(99)
    with django_capture_on_commit_callbacks(execute=True):
        reply(subscribed)
    for delay in (0, 60, 300):
        later(delay)
        work()
    row = OutgoingMail.objects.get(kind="reply")
    assert (row.state, row.attempts) == (State.FAILED, 3)
    failed_task = DBTaskResult.objects.failed().get()
    assert "MailFailed" in failed_task.exception_class_path
    client.force_login(StaffFactory())
    page = client.get("/admin/notifications/outgoingmail/?state__exact=failed").content.decode()
    assert "zoe@example.com" in page and "Failed for good" in page
    tasks_page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert tasks_page.status_code == 200 and "deliver_mail" in tasks_page.content.decode()

    # Staff send it again once the server is back.
    flaky(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/outgoingmail/",
            {"action": "send_again", "_selected_action": [row.pk]},
        )
    assert response.status_code == 302
    work()
    row.refresh_from_db()
    assert row.state == State.SENT and len(mail.outbox) == 1


def test_two_tasks_for_one_mail_send_it_once(subscribed, work, mailoutbox):
    row = outbox.queue_mail(
        key="test:1",
        kind="reply",
        to="zoe@example.com",
        subject="Hello",
        template="confirm",
        context={"confirm_url": "https://news.example/x", "email": "zoe@example.com"},
    )
    assert outbox.deliver(row.pk) == "sent"
    assert outbox.deliver(row.pk) == "skipped"
    outbox.enqueue_delivery(row.pk)
    work()
    assert len(mailoutbox) == 1
    # The same event queues no second mail.
    assert (
        outbox.queue_mail(
            key="test:1",
            kind="reply",
            to="zoe@example.com",
            subject="Again",
            template="confirm",
            context={},
        )
        is None
    )


def test_a_mail_stuck_in_a_send_is_failed_not_sent_again(subscribed, later, mailoutbox):
    row = outbox.queue_mail(
        key="test:2",
        kind="reply",
        to="zoe@example.com",
        subject="Hi",
        template="confirm",
        context={"confirm_url": "u", "email": "e"},
    )
    OutgoingMail.objects.filter(pk=row.pk).update(state=State.SENDING)
    later(2 * 60 * 60)
    outbox.sweep()
    row.refresh_from_db()
    assert row.state == State.FAILED and mailoutbox == []


def test_the_sweep_queues_a_mail_whose_task_was_lost(subscribed, later, work, mailoutbox):
    row = outbox.queue_mail(
        key="test:3",
        kind="reply",
        to="zoe@example.com",
        subject="Hi",
        template="confirm",
        context={"confirm_url": "u", "email": "e"},
    )
    DBTaskResult.objects.all().delete()  # the queue lost it
    later(600)
    outbox.sweep()
    work()
    row.refresh_from_db()
    assert row.state == State.SENT and len(mailoutbox) == 1
