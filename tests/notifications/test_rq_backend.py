"""The same mail through RQ on Redis (TASKS_BACKEND=rq), when TEST_REDIS_URL names a Redis
database for tests; skipped otherwise."""

import os

import pytest

from notifications import outbox
from notifications.models import OutgoingMail

REDIS = os.environ.get("TEST_REDIS_URL", "")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS, reason="TEST_REDIS_URL is not set"),
]


@pytest.fixture
def rq(settings):
    django_rq = pytest.importorskip("django_rq")
    settings.TASKS_BACKEND = "rq"
    # Setting TASKS makes the Tasks framework build its backends again.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield django_rq
    queue.empty()


def test_a_mail_queued_through_rq_is_sent_by_its_worker_once(rq, mailoutbox):
    from django_tasks_rq import Job
    from rq import SimpleWorker

    row = outbox.queue_mail(
        key="rq:1",
        kind="confirm",
        to="zoe@example.com",
        subject="Hello",
        template="confirm",
        context={"confirm_url": "https://news.example/c/", "email": "z"},
    )
    assert rq.get_queue("default").count == 1
    worker = rq.get_worker("default", job_class=Job, worker_class=SimpleWorker)
    worker.work(burst=True)
    row.refresh_from_db()
    assert row.state == OutgoingMail.State.SENT
    assert [m.to for m in mailoutbox] == [["zoe@example.com"]]
