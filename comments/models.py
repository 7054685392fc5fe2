from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from mptt.models import MPTTModel, TreeForeignKey

from blog.models import Post

from .formatting import render_comment_body


class CommentQuerySet(models.QuerySet):
    def public(self):
        """Comments anyone may read. The one definition of comment visibility."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(MPTTModel):
    """One comment. Each top-level comment roots its own nested-set tree (tree_id).

    `parent` is the source of truth; lft/rght/level/tree_id are django-mptt's index of it.
    Every write that touches the tree goes through comments.posting (see ../shared/TREE.md).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        APPROVED = "approved", "Published"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The comment this answers when it was attached higher up at the depth cap.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    name = models.CharField(max_length=80, blank=True, help_text="Name shown with the comment.")
    email = models.EmailField(blank=True, help_text="Never shown publicly.")
    url = models.URLField(max_length=300, blank=True, help_text="Commenter's website, optional.")
    body = models.TextField()
    body_html = models.TextField(editable=False, blank=True)
    # The comment as the page shows it, drawn once (comments/rendering.py); redrawn at read
    # time whenever html_version differs from the current template and settings.
    html = models.TextField(editable=False, blank=True)
    html_version = models.CharField(max_length=16, editable=False, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    moderation_reason = models.TextField(
        blank=True, help_text="Why the moderation policy held or flagged this comment."
    )
    # A default rather than auto_now_add so imports and demo data can keep original dates.
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class MPTTMeta:
        order_insertion_by = []

    class Meta:
        ordering = ["tree_id", "lft"]
        # Declared explicitly: django-mptt's own (tree_id, lft) index only reaches migrations
        # when the model declares Meta.indexes (django-mptt issue #682).
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="comment_tree_lft"),
            models.Index(fields=["post", "tree_id", "lft"], name="comment_post_tree_lft"),
            models.Index(fields=["post", "status", "level"], name="comment_post_status_level"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            # A page of top-level threads, oldest or newest first.
            models.Index(fields=["post", "level", "created_at"], name="comment_post_roots"),
            # The moderation policy's look-ups by sender (first-time, flood, duplicate).
            # iexact compares UPPER(email), so the index is on that expression.
            models.Index(Upper("email"), F("created_at"), name="comment_email_created"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_created"),
            models.Index(fields=["user", "created_at"], name="comment_user_created"),
        ]

    def __str__(self):
        # Short: it is the heading and breadcrumb of the comment's admin page.
        return f"Comment #{self.pk} by {self.display_name}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment_body(self.body)
        if self.pk is not None and not self._state.adding:
            # An edit: redraw the stored HTML. A new comment has no pk yet, so
            # comments.posting stores its HTML right after the insert.
            from .rendering import fragment_version, render_fragment

            self.html = render_fragment(self)
            self.html_version = fragment_version()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def display_name(self):
        if self.user_id and not self.name:
            return self.user.get_full_name() or self.user.get_username()
        return self.name or "Anonymous"

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED
