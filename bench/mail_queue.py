"""The mail queue's throughput: how many mails a second one worker sends.

    .venv/bin/python bench/mail_queue.py [--mails 500] [--database-url URL]

Builds a throw-away SQLite database in a temporary folder (never the site's) unless a
database URL is given, queues N reply mails through the outbox (notifications.outbox, the
same rendering and rows as the site), then times one database-queue worker
(`db_worker --batch`, in this process) sending them all with the console e-mail backend
(its output thrown away). Prints mails a second, and checks every mail went out once.
"""

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=500)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-")
    os.environ["DATABASE_URL"] = options.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DEBUG"] = "false"
    os.environ["TASKS_BACKEND"] = "database"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from notifications.models import OutgoingMail
    from notifications.outbox import queue_mail

    call_command("migrate", verbosity=0)
    OutgoingMail.objects.all().delete()
    context = {
        "name": "Bob",
        "post_title": "Night trains return",
        "excerpt": "I agree with every word of this. " * 5,
        "your_excerpt": "Night trains are back.",
        "permalink": "https://news.example/comments/1/",
        "post_url": "https://news.example/2026/12/night-trains/",
        "unsubscribe_url": "https://news.example/notifications/unsubscribe/x/",
        "unsubscribe_all_url": "https://news.example/notifications/unsubscribe/y/",
        "preferences_url": "https://news.example/notifications/preferences/z/",
    }
    started = time.perf_counter()
    with transaction.atomic():
        for number in range(options.mails):
            queue_mail(
                key=f"bench:{number}",
                kind="reply",
                to=f"reader{number}@example.com",
                subject="Bob replied to your comment on “Night trains return”",
                template="reply",
                context=context,
                headers={"List-Unsubscribe": "<https://news.example/u/>"},
            )
    queued = time.perf_counter() - started
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )
    elapsed = time.perf_counter() - started
    sent = OutgoingMail.objects.filter(state=OutgoingMail.State.SENT).count()
    assert sent == options.mails, f"{sent} of {options.mails} sent"
    print(f"queued {options.mails} mails in {queued:.2f} s ({options.mails / queued:.0f}/s)")
    print(f"one worker sent {sent} mails in {elapsed:.2f} s: {sent / elapsed:.0f} mails/s")


if __name__ == "__main__":
    main()
