"""The outbox: every mail is a row first, then a task sends it; retries never send twice.

queue_mail() renders a mail (plain text and HTML, in the site's language), stores it as an
OutgoingMail whose unique key names the event (a second call for the same event does
nothing), and queues the sending task when the transaction commits.

deliver() sends one row. It first claims the row with one conditional UPDATE (queued → sending),
so two tasks for the same mail (a retry and a sweep, two workers) can never both send it. A
refused send goes back to "queued" with the next try NOTIFY_RETRY_DELAYS later, and a task is
queued for then; after the last delay the mail is "failed" and the task fails too, so both the
outbox and the task results in admin show it. A worker killed in the middle of a send leaves
the row "sending": the sweep marks it failed after an hour instead of risking a second copy.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from comments.formatting import CONTROL_RE

from .models import OutgoingMail

logger = logging.getLogger(__name__)
State = OutgoingMail.State
STUCK_AFTER = timedelta(hours=1)


class MailFailed(Exception):
    """A mail the SMTP server refused on every try (the task fails with this)."""


def header_safe(text, limit=250):
    """One line with no control characters (no CR/LF: no header injection), at most `limit`."""
    line = " ".join(CONTROL_RE.sub(" ", str(text)).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def queue_mail(*, key, kind, to, subject, template, context, headers=None):
    """Store one mail for `to` and queue its sending on commit. Returns the row, or None when
    this event already has its mail or the address is not valid."""
    to = (to or "").strip().lower()
    try:
        validate_email(to)
    except ValidationError:
        logger.warning("Not mailing an invalid address for %s", key)
        return None
    if OutgoingMail.objects.filter(key=key).exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "LANGUAGE_CODE": translation.get_language(),
            **context,
        }
        text = render_to_string(f"notifications/mail/{template}.txt", context)
        html = render_to_string(f"notifications/mail/{template}.html", context)
    safe_headers = {
        header_safe(name, 60): header_safe(value, 900) for name, value in (headers or {}).items()
    }
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.create(
                key=key[:200],
                kind=kind,
                to_email=to,
                subject=header_safe(subject),
                text=text,
                html=html,
                headers=safe_headers,
            )
    except IntegrityError:
        return None  # the same event, queued at the same instant by another worker
    transaction.on_commit(lambda: enqueue_delivery(mail.pk))
    return mail


def enqueue_delivery(mail_id, *, run_after=None):
    from .tasks import deliver_mail

    task = deliver_mail if run_after is None else deliver_mail.using(run_after=run_after)
    try:
        task.enqueue(mail_id)
    except Exception:  # the queue is down: the row stays queued and the sweep retries it
        logger.exception("Could not queue mail %s; the periodic sweep will", mail_id)


def message(mail):
    email = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_email],
        headers=mail.headers,
    )
    if mail.html:
        email.attach_alternative(mail.html, "text/html")
    return email


def deliver(mail_id, *, now=None):
    """Send one queued mail. Returns "sent", "retry" or "skipped"; raises MailFailed when the
    last try failed."""
    now = now or timezone.now()
    claimed = OutgoingMail.objects.filter(
        pk=mail_id, state=State.QUEUED, next_attempt_at__lte=now
    ).update(state=State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    if not claimed:
        return "skipped"
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        message(mail).send(fail_silently=False)
    except Exception as error:  # SMTP refusals, timeouts, connection errors alike
        delays = settings.NOTIFY_RETRY_DELAYS
        problem = f"{type(error).__name__}: {error}"[:2000]
        rows = OutgoingMail.objects.filter(pk=mail_id)
        if mail.attempts > len(delays):
            rows.update(state=State.FAILED, last_error=problem)
            raise MailFailed(f"Mail {mail_id} failed {mail.attempts} times: {problem}") from error
        next_try = now + timedelta(seconds=delays[mail.attempts - 1])
        rows.update(state=State.QUEUED, next_attempt_at=next_try, last_error=problem)
        enqueue_delivery(mail_id, run_after=next_try)
        return "retry"
    OutgoingMail.objects.filter(pk=mail_id).update(state=State.SENT, sent_at=timezone.now())
    return "sent"


def sweep(*, now=None):
    """Queue every due mail again (a queue that was down) and fail mails stuck in a send."""
    now = now or timezone.now()
    stuck = OutgoingMail.objects.filter(state=State.SENDING, next_attempt_at__lt=now - STUCK_AFTER)
    stuck.update(
        state=State.FAILED,
        last_error="The worker stopped during the send; not sent again to avoid a second copy.",
    )
    due = list(
        OutgoingMail.objects.filter(
            state=State.QUEUED, next_attempt_at__lte=now - timedelta(minutes=5)
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        enqueue_delivery(pk)
    return len(due)


def retry_failed(queryset):
    """Staff's "send again" for failed mails. Returns how many were queued again."""
    pks = list(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
    OutgoingMail.objects.filter(pk__in=pks, state=State.FAILED).update(
        state=State.QUEUED, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    for pk in pks:
        transaction.on_commit(lambda pk=pk: enqueue_delivery(pk))
    return len(pks)
