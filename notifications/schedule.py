"""Scheduled jobs: the moderators' digest (hourly or daily), clearing old IP addresses and
user agents (daily), and the outbox sweep (every run).

`manage.py run_periodic` runs whatever is due; call it from cron every few minutes, or let
`--every SECONDS` keep it running beside the worker (`make run` does). A job runs once per
time slot, whichever host or process gets there first (ScheduledRun's unique slot).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from comments.models import Comment
from comments.posting import forget_senders

from .links import absolute
from .models import ScheduledRun
from .outbox import queue_mail, sweep
from .telling import moderators

PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}


def _slot(now, period):
    start = now.replace(minute=0, second=0, microsecond=0)
    if period == PERIODS["daily"]:
        start = start.replace(hour=0)
    return start


def _claim(job, slot):
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, slot=slot)
    except IntegrityError:
        return False
    return True


def run_due(now=None):
    """Run the jobs whose slot has not run yet. Returns {job: result} for those that ran."""
    now = now or timezone.now()
    done = {"sweep": sweep(now=now)}
    period = PERIODS.get(settings.NOTIFY_MODERATORS)
    if period is not None:
        start = _slot(now, period)
        if _claim("moderator_digest", start.isoformat()):
            done["moderator_digest"] = moderator_digest(start - period, start)
    day = _slot(now, PERIODS["daily"])
    if _claim("forget_senders", day.isoformat()):
        done["forget_senders"] = forget_senders(days=settings.COMMENTS_KEEP_SENDER_DAYS)
    return done


def moderator_digest(since, until):
    """One mail to each moderator listing the comments held between `since` and `until` that
    still wait. Returns the number of mails queued."""
    held = list(
        Comment.objects.pending()
        .filter(created_at__gte=since, created_at__lt=until)
        .select_related("post")
        .order_by("created_at")[:200]
    )
    if not held:
        return 0
    entries = [
        {
            "post_title": comment.post.title,
            "name": comment.display_name,
            "excerpt": Truncator(comment.body).words(30),
            "reasons": comment.reason_texts,
            "admin_url": absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
        }
        for comment in held
    ]
    queue_url = absolute(reverse("admin:comments_comment_changelist"))
    count = 0
    for person in moderators():
        mail = queue_mail(
            key=f"digest:{until.isoformat()}:{person.pk}",
            kind="digest",
            to=person.email,
            subject=f"{len(held)} comment{'s' if len(held) != 1 else ''} waiting for moderation",
            template="digest",
            context={"entries": entries, "queue_url": queue_url, "since": since, "until": until},
        )
        count += mail is not None
    return count
