import re
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from comments.forms import new_stamp
from tests.factories import PostFactory


@pytest.fixture(autouse=True)
def _database_queue(settings, monkeypatch):
    """Tasks go to the database queue, as in the embedded default."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://news.example"
    settings.NOTIFY_RETRY_DELAYS = [60, 300]
    # The worker checks its connection between tasks the way a request does; inside a test's
    # transaction that would close the connection under the test (the test client skips it
    # for the same reason).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture
def work(django_capture_on_commit_callbacks):
    """work(): run the database queue's worker in this process until nothing is ready (the
    tasks' own on-commit callbacks run too). Returns how many tasks ran."""
    from django_tasks_db.models import DBTaskResult

    def run():
        ran = 0
        for _ in range(100):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                ready = DBTaskResult.objects.ready().count()
                call_command(
                    "db_worker",
                    batch=True,
                    reload=False,
                    startup_delay=False,
                    interval=0,
                    queue_name="*",
                    verbosity=0,
                )
            ran += ready
            if not callbacks and not DBTaskResult.objects.ready().exists():
                return ran
        raise AssertionError("the queue never ran dry")

    return run


@pytest.fixture
def later():
    """later(seconds): what was due `seconds` from now is due now (deferred tasks and the
    outbox's next tries move back in time)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    from notifications.models import OutgoingMail

    def advance(seconds):
        delta = timedelta(seconds=seconds)
        DBTaskResult.objects.exclude(run_after=get_date_max()).update(
            run_after=F("run_after") - delta
        )
        OutgoingMail.objects.update(next_attempt_at=F("next_attempt_at") - delta)

    return advance


@pytest.fixture
def post(db):
    return PostFactory(title="Night trains return", author__email="editor@example.com")


def form(**fields):
    return {
        "name": "Zoë Marsh",
        "email": "zoe@example.com",
        "url": "",
        "body": "A first comment, written with care.",
        "parent": "",
        "homepage": "",
        "rendered": new_stamp(now=time.time() - 30),
        **fields,
    }


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send(client, post, **fields): post a comment through the form, as a browser does;
    returns the response. On-commit callbacks run (the listener queues its task)."""

    def post_it(client, post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("comments:post", args=[post.pk]), form(**fields))

    return post_it


LINK_RE = re.compile(r"https://news\.example(/notifications/[a-z-]+/[^/\s]+/)")


@pytest.fixture
def links_in():
    """links_in(message) -> the site paths of the signed links in a mail's text."""
    return lambda message: LINK_RE.findall(message.body)
