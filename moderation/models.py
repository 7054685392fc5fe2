"""What moderation stores: the policy settings, the blocklist, bans, reader reports and the
audit log of every status change.

Comment statuses themselves live on comments.Comment; this app never changes them directly
but through moderation.actions (which calls comments.posting.change_status and logs it).
"""

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment

# What the policy reads for every new comment, in Django's cache (Redis or the database in
# production, shared by every worker): the settings row, the blocklist and the names of staff.
# Every save or delete clears its entry, at once and again when the transaction commits, so no
# worker keeps reading an old copy; the timeout bounds what a change made around the ORM (raw
# SQL, a restore, a bulk update of users) leaves behind.
SETTINGS_CACHE_KEY = "moderation:settings:v1"
SETTINGS_CACHE_SECONDS = 60 * 15
BLOCKLIST_CACHE_KEY = "moderation:blocklist:v1"
STAFF_NAMES_CACHE_KEY = "moderation:staff-names:v1"
POLICY_CACHE_SECONDS = 60 * 15


def _clear(key):
    cache.delete(key)
    # A worker that read the rows between the first delete and the commit cached the old
    # values: clear again once the change is visible to everyone.
    transaction.on_commit(lambda: cache.delete(key))


def clear_staff_names_cache(update_fields=None, **kwargs):
    """Also a receiver of the user model's post_save and post_delete (ModerationConfig); a
    login's save of last_login alone changes no name."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _clear(STAFF_NAMES_CACHE_KEY)


def _cached(key, build, seconds=POLICY_CACHE_SECONDS):
    """The value under `key`, built and stored on a miss."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


class CachedCopyQuerySet(models.QuerySet):
    """Bulk writes clear the model's cached copy too (they bypass save() and delete())."""

    def _cleared(self):
        _clear(self.model.cache_key)

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        self._cleared()
        return changed

    update.alters_data = True

    def delete(self):
        deleted = super().delete()
        self._cleared()
        return deleted

    delete.alters_data = True

    def bulk_create(self, *args, **kwargs):
        made = super().bulk_create(*args, **kwargs)
        self._cleared()
        return made

    def bulk_update(self, *args, **kwargs):
        changed = super().bulk_update(*args, **kwargs)
        self._cleared()
        return changed


class CachedCopy(models.Model):
    """A model whose rows the policy reads from a cached copy under `cache_key`: every save
    and delete clears it (CachedCopyQuerySet clears it for bulk writes)."""

    cache_key = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _clear(self.cache_key)

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        _clear(self.cache_key)
        return deleted


class ModerationSettings(CachedCopy):
    """The one row of moderation policy settings, edited in admin.

    The defaults follow WordPress's: a first-time guest waits for a moderator, a known
    commenter is published at once.
    """

    hold_first_time = models.BooleanField(
        "hold first-time commenters",
        default=True,
        help_text="Hold a comment for review when its e-mail address has no approved comment "
        "yet. Known commenters are published at once.",
    )
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="Hold a comment that contains more links than this."
    )
    min_seconds = models.PositiveSmallIntegerField(
        "minimum seconds to write",
        default=3,
        help_text="A comment posted sooner than this after the form was shown is treated as "
        "spam (people need longer than that to write).",
    )
    flood_limit = models.PositiveSmallIntegerField(
        "comments per minute",
        default=5,
        help_text="At most this many comments a minute from one IP address or e-mail address; "
        "more are refused with “too many comments”.",
    )
    duplicate_hours = models.PositiveSmallIntegerField(
        "duplicate window (hours)",
        default=24,
        help_text="The same author posting the same text again within this many hours is "
        "refused. 0 turns the check off.",
    )
    close_after_days = models.PositiveIntegerField(
        "close comments after (days)",
        null=True,
        blank=True,
        help_text="Close the discussion under posts older than this many days. "
        "Empty keeps discussions open (each post can still be closed on its own).",
    )
    report_threshold = models.PositiveSmallIntegerField(
        "reports before review",
        default=3,
        help_text="A published comment goes back to the moderation queue after this many "
        "reader reports.",
    )
    reports_per_hour = models.PositiveSmallIntegerField(
        default=10, help_text="At most this many reports an hour from one reader."
    )
    trust_after = models.PositiveSmallIntegerField(
        "trusted after (approved comments)",
        default=1,
        db_default=1,
        validators=[MinValueValidator(1)],
        help_text="A commenter with at least this many approved comments is published at once "
        "(unless another rule holds the comment). Staff, the post's author and commenters "
        "trusted by hand are published at once too.",
    )
    offensive_threshold = models.FloatField(
        "offensive-language threshold",
        default=0.8,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Hold a comment whose offensive-language score (0 to 1) is above this. "
        "Needs the optional “profanity” extra (alt-profanity-check); without it the rule is off.",
    )

    cache_key = SETTINGS_CACHE_KEY
    objects = CachedCopyQuerySet.as_manager()

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"

    def __str__(self):
        return "Moderation settings"

    @classmethod
    def load(cls):
        """The settings row, from the cache when it is there (no query); the row is made
        with its defaults the first time."""
        return _cached(
            SETTINGS_CACHE_KEY,
            lambda: cls.objects.get_or_create(pk=1)[0],
            SETTINGS_CACHE_SECONDS,
        )


class BlockedTerm(CachedCopy):
    """A word or phrase that holds or rejects a comment containing it."""

    class Action(models.TextChoices):
        PENDING = Comment.Status.PENDING, "Hold for review"
        SPAM = Comment.Status.SPAM, "Mark as spam"

    phrase = models.CharField(
        max_length=200,
        unique=True,
        help_text="A whole word or phrase. Matching ignores case and accents and sees through "
        "simple disguises: l33t digits (sp4m), repeated letters (spaaam) and inserted dots "
        "(s.p.a.m).",
    )
    action = models.CharField(
        max_length=10,
        choices=Action.choices,
        default=Action.PENDING,
        help_text="What happens to a comment that contains this phrase.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list.")
    created_at = models.DateTimeField(auto_now_add=True)

    cache_key = BLOCKLIST_CACHE_KEY
    objects = CachedCopyQuerySet.as_manager()

    class Meta:
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase

    @classmethod
    def entries(cls):
        """Every (phrase, action), from the cache when it is there (no query)."""
        return _cached(
            BLOCKLIST_CACHE_KEY,
            lambda: list(cls.objects.order_by("phrase").values_list("phrase", "action")),
        )


def staff_names():
    """The usernames and full names of every member of staff, from the cache when it is there
    (no query). A guest may not take one (moderation.policy, impersonation)."""

    def build():
        from django.contrib.auth import get_user_model  # noqa: PLC0415 (models load first)

        names = []
        for user in get_user_model().objects.filter(is_staff=True).order_by("pk"):
            names += [user.get_username(), user.get_full_name()]
        return [name for name in names if name]

    return _cached(STAFF_NAMES_CACHE_KEY, build)


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def matching(self, email="", ip_address=None):
        condition = Q(pk__in=[])
        if email:
            condition |= Q(email__iexact=email)
        if ip_address:
            condition |= Q(ip_address=ip_address)
        return self.active().filter(condition)


class Ban(models.Model):
    """An e-mail address and/or IP address whose comments are refused."""

    email = models.EmailField(blank=True, db_index=True, help_text="Refuse this address.")
    ip_address = models.GenericIPAddressField(
        "IP address", null=True, blank=True, db_index=True, help_text="Refuse this IP address."
    )
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty for a ban that does not expire."
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | Q(ip_address__isnull=False),
                name="ban_has_email_or_ip",
                violation_error_message="A ban needs an e-mail address or an IP address.",
            ),
        ]

    def __str__(self):
        return " / ".join(str(x) for x in (self.email, self.ip_address) if x)

    def clean(self):
        # Forms hand over "" for an empty IP address; the database stores NULL, and the
        # check constraint must see the same value to give its message instead of a crash.
        self.ip_address = self.ip_address or None
        self.email = self.email.strip().lower()


class CommenterQuerySet(models.QuerySet):
    def for_email(self, email):
        return self.filter(email=(email or "").strip().lower())


class Commenter(models.Model):
    """What moderators decided about one commenter (by e-mail address): trusted by hand, or
    suspended until a date. Changed through moderation.actions, which logs each change."""

    email = models.EmailField(unique=True, help_text="The commenter's address, lower case.")
    trusted = models.BooleanField(
        default=False,
        help_text="Publish this commenter's comments at once (other rules can still hold one). "
        "Only when the commenter proves the address (signed in, or their browser's token).",
    )
    suspended_until = models.DateTimeField(
        null=True, blank=True, help_text="Refuse this commenter's comments until then."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommenterQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def is_suspended(self, now=None):
        return self.suspended_until is not None and self.suspended_until > (now or timezone.now())


class Report(models.Model):
    """A reader's report that a published comment breaks the rules."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Insults or harassment"
        HATE = "hate", "Hate or calls for violence"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    resolved = models.BooleanField(
        default=False, help_text="Set when a moderator has decided on the comment."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["comment", "resolved"], name="report_comment_resolved")]

    def __str__(self):
        return f"{self.get_reason_display()} on comment #{self.comment_id}"


class ModerationEvent(models.Model):
    """One line of the audit log: who changed which comment from what to what, and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        SPAM = "spam", "Marked as spam"
        REMOVE = "remove", "Removed"
        RESTORE = "restore", "Restored"
        HOLD = "hold", "Held for review"
        BAN = "ban", "Author banned"
        REPORTS = "reports", "Held after reader reports"
        PURGE = "purge", "Deleted (old spam)"
        REDACT = "redact", "Text edited by a moderator"
        FEATURE = "feature", "Featured"
        UNFEATURE = "unfeature", "No longer featured"
        TRUST = "trust", "Commenter trusted"
        UNTRUST = "untrust", "Commenter no longer trusted"
        SUSPEND = "suspend", "Commenter suspended"
        UNSUSPEND = "unsuspend", "Suspension lifted"

    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_events"
    )
    # Kept when the comment itself is purged, so the log still says which one it was.
    # Empty for an action on a commenter taken outside any comment.
    comment_pk = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    # The commenter an action on a commenter (trust, suspension) concerned.
    email = models.EmailField(blank=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=10, choices=Comment.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Comment.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted (reader reports, purge command).",
    )
    reason = models.TextField(blank=True)
    # A redaction keeps the text as it was before the moderator's edit.
    previous_text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "moderation log entry"
        verbose_name_plural = "moderation log"

    def __str__(self):
        who = self.actor or "system"
        what = f"#{self.comment_pk}" if self.comment_pk else self.email
        return f"{self.get_action_display()} {what} by {who}"
