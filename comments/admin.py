"""The Comment admin is the moderation queue and is registered in moderation/admin.py.

It lives there because its actions write moderation's audit log, and the comments app must not
depend on the moderation app (dependencies point moderation → comments → blog).
"""

from django.contrib import admin

from .models import CommentRevision


class CommentRevisionInline(admin.TabularInline):
    """Earlier texts of a comment its author edited, for the comment's admin page (the
    Comment admin in moderation/admin.py lists it in `inlines`)."""

    model = CommentRevision
    extra = 0
    can_delete = False
    fields = ["edited_at", "body"]
    readonly_fields = ["edited_at", "body"]
    verbose_name = "earlier text"
    verbose_name_plural = "earlier texts (before the author's edits)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
