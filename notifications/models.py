"""Who asked to hear what, and every mail the site sends (the outbox).

An Address is a guest's e-mail address as notifications know it: confirmed once through a
signed link (double opt-in) before anything but that one confirmation mail goes to it, and
switched off entirely by a global unsubscribe. A Subscription is one comment's author asking
to hear of replies to that comment (and of its approval, when it was held).

Every mail is first an OutgoingMail row, written before the task that sends it is queued; its
unique `key` names the event it is about, so one event never makes two mails, and its state
makes a send idempotent across retries (see notifications/outbox.py).
"""

from django.db import models
from django.utils import timezone

from comments.models import Comment


class AddressQuerySet(models.QuerySet):
    def reachable(self):
        """Addresses that confirmed and did not unsubscribe from everything."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Address(models.Model):
    email = models.EmailField(unique=True, help_text="Lower-cased.")
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its owner confirmed it through the signed link."
    )
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the one confirmation mail went out."
    )
    unsubscribed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by “unsubscribe from everything”: no more mail."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def reachable(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Subscription(models.Model):
    """Replies to this comment (and its approval) are mailed to its author."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="subscription")
    email = models.EmailField(help_text="Lower-cased; the comment's address when it was posted.")
    active = models.BooleanField(default=True, help_text="Off after “unsubscribe” from it.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["email"], name="subscription_email")]

    def __str__(self):
        return f"Replies to comment #{self.comment_id} for {self.email}"


class LinkSent(models.Model):
    """One mail someone else's request made us send (a confirmation, a data link), kept to
    limit them per address and per IP address, so the site cannot be used to spam anyone."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirmation"
        DATA = "data", "Link to one's comments"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "ip_address", "sent_at"], name="linksent_ip"),
            models.Index(fields=["kind", "email", "sent_at"], name="linksent_email"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.email}"


class OutgoingMail(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed for good"

    key = models.CharField(
        max_length=200, unique=True, help_text="The event this mail is about (one mail each)."
    )
    kind = models.CharField(max_length=40, db_index=True)
    to_email = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "outgoing mail"

    def __str__(self):
        return f"{self.kind} to {self.to_email}"


class ScheduledRun(models.Model):
    """One run of a scheduled job for one time slot: whoever inserts the row runs the job,
    so several workers or cron hosts never run the same slot twice."""

    job = models.CharField(max_length=40)
    slot = models.CharField(max_length=40)
    ran_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]

    def __str__(self):
        return f"{self.job} for {self.slot}"
