"""The moderation queue (the Comment admin) and the admin for moderation's own models.

The Comment admin is registered here, not in comments/admin.py, because its actions write the
audit log in this app and the comments app must not depend on moderation.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from blog.models import Post
from comments.admin import CommentRevisionInline
from comments.models import Comment

from . import actions
from .filters import FirstTimeFilter, ReasonFilter, ReportedFilter, StatusFilter
from .models import Ban, BlockedTerm, ModerationEvent, ModerationSettings, Report
from .policy import ModerationPolicy

Status = Comment.Status
Action = ModerationEvent.Action


def excerpt(text, words=24):
    return Truncator(" ".join(text.split())).words(words, truncate=" …")


# The moderation queue -----------------------------------------------------------------------


class CommentModerationForm(forms.ModelForm):
    moderation_note = forms.CharField(
        label="Reason (for the log)",
        required=False,
        max_length=500,
        help_text="Optional: why you changed the status. Stored in the moderation log.",
    )

    class Meta:
        model = Comment
        fields = ["status"]


class CommentAdmin(admin.ModelAdmin):
    form = CommentModerationForm
    # The text before each of the author's own edits (comments/editing.py).
    inlines = [CommentRevisionInline]
    list_display = [
        "comment_excerpt",
        "status_badge",
        "author",
        "thread",
        "post_link",
        "why",
        "open_reports",
        "posted",
    ]
    list_filter = [
        StatusFilter,
        ReasonFilter,
        ReportedFilter,
        FirstTimeFilter,
        ("created_at", admin.DateFieldListFilter),
        "post",
    ]
    search_fields = ["body", "name", "email", "ip_address"]
    search_help_text = "Search comment text, name, e-mail or IP address."
    list_select_related = ["post", "parent", "user"]
    # Only the status is editable; should more fields ever be, these must never become
    # dropdowns listing every comment, post or user (one <option> per row).
    raw_id_fields = ["parent", "post", "user", "in_reply_to"]
    list_per_page = 100
    show_full_result_count = False  # saves a COUNT(*) over the whole table on every page
    actions = [
        "approve",
        "mark_spam",
        "remove",
        "restore",
        "ban_email",
        "ban_email_and_ip",
    ]
    readonly_fields = [
        "comment_on_site",
        "author_details",
        "created_at",
        "body",
        "why_held",
        "thread_context",
        "report_list",
        "audit_trail",
    ]
    fieldsets = [
        (None, {"fields": ["comment_on_site", "author_details", "created_at", "body"]}),
        ("Moderation", {"fields": ["status", "moderation_note", "why_held"]}),
        ("In its thread", {"fields": ["thread_context"]}),
        ("Reader reports", {"fields": ["report_list"]}),
        ("Moderation log", {"fields": ["audit_trail"]}),
    ]

    class Media:
        css = {"all": ["moderation/admin.css"]}

    # Querysets and ordering

    def get_queryset(self, request):
        open_reports = (
            Report.objects.filter(comment=OuterRef("pk"), resolved=False)
            .order_by()
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_report_count=Coalesce(Subquery(open_reports, output_field=IntegerField()), 0)
            )
        )

    def get_ordering(self, request):
        """The queue oldest first; a single post's comments in thread order (its tree view)."""
        if request.GET.get("post__id__exact"):
            return list(Comment.THREAD_ORDER)
        status = request.GET.get("status") or Status.PENDING
        return ["created_at", "pk"] if status == Status.PENDING else ["-created_at", "-pk"]

    def has_add_permission(self, request):
        return False  # Comments come from readers on the site.

    def has_delete_permission(self, request, obj=None):
        return False  # Moderation never hard-deletes; see the purge_spam command.

    # Columns

    def get_list_display(self, request):
        if request.GET.get("post__id__exact"):
            return ["tree_excerpt", *self.list_display[1:]]
        return self.list_display

    def get_list_display_links(self, request, list_display):
        return list_display[:1]

    @admin.display(description="Comment")
    def comment_excerpt(self, obj):
        return excerpt(obj.body) or "(empty)"

    @admin.display(description="Comment (in thread order)")
    def tree_excerpt(self, obj):
        return format_html(
            '<span class="mod-depth mod-depth-{}" title="Depth {}">{}</span>',
            min(obj.level, 8),
            obj.level,
            excerpt(obj.body) or "(empty)",
        )

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="mod-status mod-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description="Author")
    def author(self, obj):
        return format_html(
            '{}<br><span class="mod-meta">{}<br>{}</span>',
            obj.display_name,
            obj.email or "—",
            obj.ip_address or "—",
        )

    @admin.display(description="Thread")
    def thread(self, obj):
        if obj.parent_id is None:
            return format_html('<span class="mod-meta">{}</span>', "Top level")
        return format_html(
            '<span class="mod-meta">Depth {} · reply to {}:</span><br>{}',
            obj.level,
            obj.parent.display_name,
            excerpt(obj.parent.body, 12),
        )

    @admin.display(description="Post", ordering="post__title")
    def post_link(self, obj):
        tree = reverse("admin:comments_comment_changelist")
        return format_html(
            '{}<br><a href="{}?post__id__exact={}&amp;status=all">thread view</a>',
            Truncator(obj.post.title).chars(50),
            tree,
            obj.post_id,
        )

    @admin.display(description="Posted", ordering="created_at")
    def posted(self, obj):
        local = timezone.localtime(obj.created_at)
        return format_html(
            '<time datetime="{}">{}</time>', local.isoformat(), date_format(local, "j M, H:i")
        )

    @admin.display(description="Why")
    def why(self, obj):
        if not obj.moderation_reasons:
            return ""
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((text,) for text in obj.reason_texts)),
        )

    @admin.display(description="Why the policy decided so")
    def why_held(self, obj):
        return self.why(obj) or "—"

    @admin.display(description="Reports", ordering="open_report_count")
    def open_reports(self, obj):
        return obj.open_report_count or ""

    # Change page

    def view_on_site(self, obj):
        # Only public comments have a permalink; the others are looked for on the post page.
        if obj.is_public:
            return obj.get_absolute_url()
        return f"{obj.post.get_absolute_url()}#comment-{obj.pk}"

    @admin.display(description="On the site")
    def comment_on_site(self, obj):
        url = self.view_on_site(obj)
        return format_html('<a href="{}">#{} under “{}”</a>', url, obj.pk, obj.post.title)

    @admin.display(description="Author")
    def author_details(self, obj):
        return format_html(
            '{} · {} · {} · {}<br><span class="mod-meta">{}</span>',
            obj.display_name,
            obj.email or "no e-mail",
            obj.url or "no website",
            obj.ip_address or "no IP",
            obj.user_agent or "no user agent",
        )

    @admin.display(description="Thread")
    def thread_context(self, obj):
        ancestors = list(Comment.objects.ancestors_of(obj).select_related("user"))
        replies = list(Comment.objects.filter(parent=obj).select_related("user"))
        return render_to_string(
            "moderation/admin/thread.html",
            {"comment": obj, "ancestors": ancestors, "replies": replies},
        )

    @admin.display(description="Reports")
    def report_list(self, obj):
        reports = list(obj.reports.order_by("-created_at"))
        return render_to_string("moderation/admin/reports.html", {"reports": reports})

    @admin.display(description="Log")
    def audit_trail(self, obj):
        events = list(ModerationEvent.objects.filter(comment_pk=obj.pk).select_related("actor"))
        return render_to_string("moderation/admin/audit.html", {"events": events})

    def save_model(self, request, obj, form, change):
        """Status changes go through moderation.actions (audit log, counts, caches)."""
        if "status" not in form.changed_data:
            return
        action = actions.action_for(form.initial["status"], form.cleaned_data["status"])
        actions.moderate(
            Comment.objects.filter(pk=obj.pk),
            action,
            actor=request.user,
            reason=form.cleaned_data.get("moderation_note", ""),
        )

    def changelist_view(self, request, extra_context=None):
        status = request.GET.get("status") or Status.PENDING
        titles = {Status.PENDING: "Moderation queue", "all": "All comments"}
        label = dict(Status.choices).get(status, "")
        title = titles.get(status, f"Comments: {label.lower()}")
        post_id = request.GET.get("post__id__exact", "")
        if post_id.isdigit():
            post_title = Post.objects.filter(pk=post_id).values_list("title", flat=True).first()
            title = f"Thread view: {post_title}" if post_title else title
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"title": "Moderate comment", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        pass  # Nothing related is edited here.

    # Bulk actions

    def _act(self, request, queryset, action, verb):
        # Counted first: once changed, the rows may no longer match the changelist's filter.
        selected = queryset.count()
        changed = actions.moderate(queryset, action, actor=request.user)
        skipped = selected - changed
        message = f"{changed} comment{'s' if changed != 1 else ''} {verb}."
        if skipped:
            message += f" {skipped} already had that status."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._act(request, queryset, Action.APPROVE, "approved")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._act(request, queryset, Action.SPAM, "marked as spam")

    @admin.action(
        description="Remove selected comments (replies stay visible)", permissions=["change"]
    )
    def remove(self, request, queryset):
        self._act(request, queryset, Action.REMOVE, "removed")

    @admin.action(description="Restore selected comments (publish again)", permissions=["change"])
    def restore(self, request, queryset):
        self._act(request, queryset, Action.RESTORE, "restored")

    def _ban(self, request, queryset, by_ip):
        bans, changed = actions.ban_authors(
            queryset, by_email=True, by_ip=by_ip, actor=request.user, reason="Banned from admin."
        )
        self.message_user(
            request,
            f"{bans} new ban{'s' if bans != 1 else ''}; "
            f"{changed} comment{'s' if changed != 1 else ''} marked as spam.",
            messages.SUCCESS,
        )

    @admin.action(description="Ban authors' e-mail and mark as spam", permissions=["ban"])
    def ban_email(self, request, queryset):
        self._ban(request, queryset, by_ip=False)

    @admin.action(
        description="Ban authors' e-mail and IP address and mark as spam", permissions=["ban"]
    )
    def ban_email_and_ip(self, request, queryset):
        self._ban(request, queryset, by_ip=True)

    def has_ban_permission(self, request):
        return request.user.has_perms(["comments.change_comment", "moderation.add_ban"])

    def get_actions(self, request):
        # No delete_selected (mptt's or Django's): moderation never hard-deletes.
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found


admin.site.register(Comment, CommentAdmin)


# Moderation's own models --------------------------------------------------------------------


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    readonly_fields = ["offensive_language_check"]

    @admin.display(description="Offensive-language check")
    def offensive_language_check(self, obj):
        if ModerationPolicy().offensive_check_enabled:
            return "On (alt-profanity-check is installed)."
        return "Off: install the “profanity” extra (pip install '.[profanity]') to turn it on."

    def has_add_permission(self, request):
        return not ModerationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """The settings are one row: go straight to it."""
        obj = ModerationSettings.load()
        return HttpResponseRedirect(
            reverse("admin:moderation_moderationsettings_change", args=[obj.pk])
        )


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["phrase", "action", "note", "created_at"]
    list_editable = ["action"]
    list_filter = ["action"]
    search_fields = ["phrase", "note"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "created_by", "created_at", "expires_at"]
    list_select_related = ["created_by"]
    search_fields = ["email", "ip_address", "reason"]
    readonly_fields = ["created_by", "created_at"]
    fields = ["email", "ip_address", "reason", "expires_at", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["comment_link", "reason", "ip_address", "resolved", "created_at"]
    list_filter = ["resolved", "reason"]
    list_select_related = ["comment"]
    raw_id_fields = ["comment", "user"]

    @admin.display(description="Comment")
    def comment_link(self, obj):
        url = reverse("admin:comments_comment_change", args=[obj.comment_id])
        return format_html(
            '<a href="{}">#{}: {}</a>', url, obj.comment_id, excerpt(obj.comment.body, 10)
        )


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "action",
        "comment_ref",
        "from_status",
        "to_status",
        "actor",
        "reason",
    ]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["actor"]
    search_fields = ["reason", "=comment_pk"]

    @admin.display(description="Comment")
    def comment_ref(self, obj):
        if obj.comment_id is None:
            return f"#{obj.comment_pk} (deleted)"
        url = reverse("admin:comments_comment_change", args=[obj.comment_id])
        return format_html('<a href="{}">#{}</a>', url, obj.comment_pk)
