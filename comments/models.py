from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from mptt.models import MPTTModel, TreeForeignKey

from blog.models import Post, new_stamp

from .formatting import render_comment_body


class CommentQuerySet(models.QuerySet):
    """Who may read which comment, defined here once, and the tree's named look-ups.

    Everything outside this module that needs "public", "public under a published post" or
    "what this viewer may see" asks these methods (or Comment.visible_to_viewer for rows
    already fetched), so the rule cannot drift between views, feeds, admin and the policy.
    Every django-mptt look-up that other apps need is a method here too (docs/tree.md).
    """

    def public(self):
        """Comments anyone may read, wherever they are shown."""
        return self.filter(status=Comment.Status.APPROVED)

    def published(self):
        """Public comments under published posts: what permalinks, feeds and reports show."""
        return self.public().filter(post__in=Post.objects.published())

    def visible_to(self, pending_ids=()):
        """Public comments plus the viewer's own held ones (ids remembered in their session)."""
        return self.filter(Comment.visible_q(pending_ids))

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def featured(self):
        """Editors' picks that are public: a held or removed pick leaves the "Featured" list."""
        return self.public().filter(featured_at__isnull=False)

    def held_for(self, *codes):
        """Comments the policy held or flagged for any of these reason codes."""
        condition = models.Q(pk__in=[])
        for code in codes:
            condition |= models.Q(moderation_codes__contains=f" {code} ")
        return self.filter(condition)

    def from_email(self, email):
        """Comments sent from this e-mail address, in any case (see sent_from)."""
        return self.filter(sent_from(email))

    def named(self, name):
        """Comments signed with this name, in any case (filtered after an indexed look-up)."""
        return self.filter(Exact(Upper("name"), Upper(Value(name))))

    def in_thread_order(self):
        """Each reply right after its parent, threads one after the other."""
        return self.order_by(*Comment.THREAD_ORDER)

    def ancestors_of(self, comment):
        """The comments above `comment` in its thread, top-level first."""
        return (self & comment.get_ancestors()).in_thread_order()

    def deepest_first(self):
        """Replies before the comments they answer (for deleting one at a time)."""
        return self.order_by("-level", "pk")


class Comment(MPTTModel):
    """One comment. Each top-level comment roots its own nested-set tree (tree_id).

    `parent` is the source of truth; lft/rght/level/tree_id are django-mptt's index of it.
    Every write that touches the tree goes through comments.posting (see docs/tree.md).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        APPROVED = "approved", "Published"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"
        # Withdrawn or erased by the commenter while it had replies (a placeholder keeps
        # them in place); without replies a comment is deleted for good instead.
        DELETED = "deleted", "Deleted by its author"

    # Every insert writes a page of each index, so (Meta.indexes):
    # - no single-column index where a composite one begins with the column (post, user,
    #   status, tree_id: each was a copy of another's first column);
    # - the columns that are mostly empty (parent on a top-level comment, in_reply_to, user on
    #   a guest's, form_nonce outside the comment form) are indexed only where they are set:
    #   every look-up compares them with a value, which the partial index answers.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    parent = TreeForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,
    )
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        help_text="The comment this answers when it was attached higher up at the depth cap.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        db_index=False,
    )
    name = models.CharField(max_length=80, blank=True, help_text="Name shown with the comment.")
    email = models.EmailField(blank=True, help_text="Never shown publicly.")
    url = models.URLField(max_length=300, blank=True, help_text="Commenter's website, optional.")
    body = models.TextField()
    # No stored copy of the body as HTML (body_html, below, renders it): the comment as the
    # page shows it lives in its own table (Fragment), and every row here is rewritten by the
    # nested-set shift of a reply above it, so the row holds no more text than it must.
    # django-mptt's tree id, declared here to leave out the index django-mptt would give it.
    tree_id = models.PositiveIntegerField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Why the policy decided what it did: [{"code": ..., "text": ...}], in the order the
    # rules ran. The text is for moderators; the codes (copied into moderation_codes on save,
    # space-delimited) are what the queue filters on, so rewording a text breaks nothing.
    moderation_reasons = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Why the moderation policy held or flagged this comment.",
    )
    moderation_codes = models.CharField(max_length=200, blank=True, editable=False)
    # A default rather than auto_now_add so imports and demo data can keep original dates.
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Set by comments.posting.change_text(redacted=True): a moderator changed the text (the
    # original is in moderation's audit log); the page says "edited by a moderator".
    redacted = models.BooleanField(default=False, db_default=False, editable=False)
    # An editors' pick (comments.posting.set_featured): listed in the post's "Featured"
    # section while it is public, with a badge, and first in the "Featured first" order.
    featured_at = models.DateTimeField(null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    identity_verified = models.BooleanField(
        default=True,
        help_text="The poster proved who they are (signed in, or the browser's signed commenter "
        "token matches the e-mail). Unverified comments do not get the address's picture.",
    )
    # The single-use number of the comment form this came from: a second comment with the
    # same form is refused by this column's unique index, whichever worker or server gets it
    # (Meta.constraints). NULL, not "", where there was no form: only set ones are unique.
    form_nonce = models.CharField(  # noqa: DJ001
        max_length=32, null=True, blank=True, editable=False
    )
    # Readers' likes (CommentLike rows), counted here by comments.posting.like_comment so that
    # pages and the "Most liked" order never count rows.
    like_count = models.PositiveIntegerField(default=0, editable=False)
    # On a top-level comment: a new random number whenever something in its thread changes
    # other than an insert (which moves the root's rght anyway): the cached drawing of the
    # thread is keyed by (tree_id, rght, thread_stamp) (comments/caching.py).
    thread_stamp = models.BigIntegerField(default=new_stamp, db_default=0, editable=False)

    objects = CommentQuerySet.as_manager()

    # The order in which a thread reads top to bottom (django-mptt's pre-order).
    THREAD_ORDER = ("tree_id", "lft")

    class MPTTMeta:
        order_insertion_by = []

    class Meta:
        ordering = ["tree_id", "lft"]  # THREAD_ORDER
        # Declared explicitly: django-mptt's own (tree_id, lft) index only reaches migrations
        # when the model declares Meta.indexes (django-mptt issue #682).
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="comment_tree_lft"),
            # With the level and the status, a page reads a busy thread's first published
            # comments above the fold depth from the index alone, in order, skipping the
            # deep and the hidden ones (comments/pages.py _heads).
            models.Index(
                fields=["post", "tree_id", "lft", "level", "status"],
                name="comment_post_tree_head",
            ),
            models.Index(fields=["post", "status", "level"], name="comment_post_status_level"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            # A page of top-level threads, oldest or newest first.
            models.Index(fields=["post", "level", "created_at"], name="comment_post_roots"),
            # The post's "Featured" list (editors' picks are few; the index holds only them).
            models.Index(
                fields=["post", "-featured_at"],
                condition=models.Q(featured_at__isnull=False),
                name="comment_post_featured",
            ),
            # The moderation policy's look-ups by sender (first-time, flood, duplicate).
            # iexact compares UPPER(email), so the index is on that expression.
            models.Index(Upper("email"), F("created_at"), name="comment_email_created"),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_created"),
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(user__isnull=False),
                name="comment_user_created",
            ),
            # For the children of a comment and for what a deletion cascades to.
            models.Index(
                fields=["parent"], condition=models.Q(parent__isnull=False), name="comment_parent"
            ),
            models.Index(
                fields=["in_reply_to"],
                condition=models.Q(in_reply_to__isnull=False),
                name="comment_in_reply_to",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["form_nonce"],
                condition=models.Q(form_nonce__isnull=False),
                name="comment_form_nonce_unique",
            ),
        ]

    def __str__(self):
        # Short: it is the heading and breadcrumb of the comment's admin page.
        return f"Comment #{self.pk} by {self.display_name}"

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self):
        """The fields derived from this row, set before every write (save(), and the posting
        path's own INSERT). Only cheap ones: the stored page fragment (Fragment) depends on
        other rows and templates, and comments.posting writes it after every insert or edit."""
        self.moderation_codes = reason_codes(self.moderation_reasons)

    @property
    def body_html(self):
        """The body as safe HTML (comments.formatting), for the feeds. Pages never render it:
        they show the stored fragments (Fragment), drawn when a comment is stored or its
        text changes."""
        return render_comment_body(self.body)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def display_name(self):
        if self.user_id and not self.name:
            return self.user.get_full_name() or self.user.get_username()
        return self.name or "Anonymous"

    @property
    def is_public(self):
        return self.public_status(self.status)

    @classmethod
    def public_status(cls, status):
        """public() for a status already fetched."""
        return status == cls.Status.APPROVED

    @property
    def reason_texts(self):
        return [reason["text"] for reason in self.moderation_reasons]

    @classmethod
    def visible_q(cls, pending_ids=()):
        """The filter behind visible_to(), for querysets that combine it with others."""
        visible = models.Q(status=cls.Status.APPROVED)
        if pending_ids:
            visible |= models.Q(status=cls.Status.PENDING, pk__in=list(pending_ids))
        return visible

    @classmethod
    def visible_to_viewer(cls, pk, status, pending_ids):
        """visible_to() for a row already fetched: public, or the viewer's own held comment."""
        return cls.public_status(status) or (status == cls.Status.PENDING and pk in pending_ids)


class RowidKey(models.OneToOneField):
    """A one-to-one key that SQLite stores as the table's rowid.

    SQLite makes a column the rowid only when it is declared INTEGER PRIMARY KEY; Django
    declares a key to a BigAutoField as bigint, so the table gets an index of its own and
    every look-up by key searches two B-trees (the index, then the table). As the rowid, a
    look-up is one search, and there is no index to write on insert. Elsewhere as Django
    declares it."""

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class Fragment(models.Model):
    """A comment as the page shows it: drawn by comments/drawing.py, stored by
    comments/posting.py (and nowhere else), joined to the comment by the page walk
    (comments.pages), drawn again at read time whenever `version` differs from the current
    template and settings (drawing.fragment_version()).

    It has a table of its own, one row per comment keyed by the comment's id, because it is
    most of a comment's bytes (about 1.5 KB of 2 KB) and a reply's nested-set insert rewrites
    every later row of its thread: here the shift rewrites small rows (docs/performance.md).
    """

    comment = RowidKey(Comment, on_delete=models.CASCADE, primary_key=True, related_name="fragment")
    html = models.TextField(blank=True)
    version = models.CharField(max_length=16, blank=True)

    def __str__(self):
        return f"Stored HTML of comment #{self.comment_id}"


class CommentLike(models.Model):
    """One reader's like of one comment: at most one per browser or account (a unique pair)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    # "user:<id>" for a signed-in reader, "browser:<token>" for a guest's signed cookie.
    voter = models.CharField(max_length=80)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter"], name="comment_like_once"),
        ]
        indexes = [models.Index(fields=["ip_address", "created_at"], name="comment_like_ip")]

    def __str__(self):
        return f"Like of comment #{self.comment_id}"


def sent_from(email):
    """The condition "sent from this e-mail address, in any case", to filter or OR with.

    UPPER(email) = UPPER(address), the comparison PostgreSQL's iexact makes, written out so
    that SQLite makes it too (its iexact is a LIKE, which no index serves) and both use the
    UPPER(email) index (comment_email_created). UPPER() folds ASCII letters only on SQLite,
    as its LIKE does, so the matches are the same as iexact's.
    """
    return Exact(Upper("email"), Upper(Value(email)))


def reason_codes(reasons):
    """The space-delimited codes of a list of reasons, as stored for the queue's filter."""
    codes = [reason["code"] for reason in reasons]
    return f" {' '.join(codes)} " if codes else ""


class CommentRevision(models.Model):
    """The text a comment had before an edit, kept for moderators (never shown publicly)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(help_text="The text before this edit.")
    edited_at = models.DateTimeField(default=timezone.now, help_text="When it was replaced.")

    class Meta:
        ordering = ["comment", "-edited_at", "-pk"]

    def __str__(self):
        return f"Revision of comment #{self.comment_id} ({self.edited_at:%Y-%m-%d %H:%M})"
