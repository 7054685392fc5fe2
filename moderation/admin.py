"""The moderation queue (the Comment admin) and the admin for moderation's own models.

The Comment admin is registered here, not in comments/admin.py, because its actions write the
audit log in this app and the comments app must not depend on moderation.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from blog.models import Post
from comments.admin import CommentRevisionInline
from comments.models import Comment

from . import actions, desk, rows
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

    text = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Edit to redact (a phone number, a private address): the page then says "
        "“edited by a moderator” and the original text stays in the moderation log.",
    )
    featured = forms.BooleanField(
        label="Featured (editors' pick)",
        required=False,
        help_text="Listed in the post's “Featured” section while it is published.",
    )

    class Meta:
        model = Comment
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["text"].initial = self.instance.body
            self.fields["featured"].initial = self.instance.featured_at is not None

    def clean_text(self):
        if "text" not in self.data:
            return self.instance.body  # A form without the field (a script) leaves it alone.
        text = self.cleaned_data["text"]
        if not text.strip() and self.instance.pk:
            raise forms.ValidationError("A comment needs some text: to hide it, remove it instead.")
        return text

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status", self.instance.status)
        if cleaned.get("featured") and not Comment.public_status(status):
            self.add_error("featured", "Only a published comment can be featured.")
        return cleaned


class QueueChangeList(ChangeList):
    """The queue's page of comments, with what the desk shows about each commenter loaded
    for the whole page at once (moderation/desk.py)."""

    def get_results(self, request):
        super().get_results(request)
        desk.attach_history(self.result_list)


class CommentAdmin(admin.ModelAdmin):
    form = CommentModerationForm
    # The text before each of the author's own edits (comments/editing.py).
    inlines = [CommentRevisionInline]
    list_display = [
        "comment_excerpt",
        "author",
        "why",
        "status_badge",
        "row_actions",
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
        "commenter_history",
        "created_at",
        "body",
        "why_held",
        "thread_context",
        "report_list",
        "audit_trail",
    ]
    fieldsets = [
        (None, {"fields": ["comment_on_site", "author_details", "created_at", "body"]}),
        ("Moderation", {"fields": ["status", "moderation_note", "why_held", "featured"]}),
        ("The commenter", {"fields": ["commenter_history"]}),
        ("Redact", {"fields": ["text"]}),
        ("In its thread", {"fields": ["thread_context"]}),
        ("Reader reports", {"fields": ["report_list"]}),
        ("Moderation log", {"fields": ["audit_trail"]}),
    ]

    change_list_template = "moderation/admin/change_list.html"
    change_form_template = "moderation/admin/change_form.html"

    class Media:
        css = {"all": ["moderation/admin.css"]}
        js = ["moderation/queue.js"]

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

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
        return None  # Each row has its own "Details" link among its actions.

    @admin.display(description="Comment")
    def comment_excerpt(self, obj):
        return rows.draw("row_comment", self._row(obj))

    @admin.display(description="Comment (in thread order)")
    def tree_excerpt(self, obj):
        return format_html(
            '<div class="mod-depth mod-depth-{}" title="Depth {}">{}</div>',
            min(obj.level, 8),
            obj.level,
            self.comment_excerpt(obj),
        )

    @admin.display(description="Status", ordering="created_at")
    def status_badge(self, obj):
        local = timezone.localtime(obj.created_at)
        return format_html(
            '<span class="mod-status mod-status-{}" data-status>{}</span>{}'
            '<br><time class="mod-meta" datetime="{}">{}</time>',
            obj.status,
            obj.get_status_display(),
            format_html(' <span class="mod-featured">{}</span>', "Featured")
            if obj.featured_at and obj.is_public
            else "",
            local.isoformat(),
            date_format(local, "j M, H:i"),
        )

    @admin.display(description="Author")
    def author(self, obj):
        return rows.draw("row_author", self._row(obj))

    @admin.display(description="Actions")
    def row_actions(self, obj):
        return rows.draw("row_actions", self._row(obj))

    def _row(self, obj):
        return {
            "c": obj,
            "history": getattr(obj, "history", None),
            "desk_form": "mod-desk",
            "on_site": self.view_on_site(obj),
            "can_ban": getattr(self, "_can_ban", False),
        }

    @admin.display(description="Why")
    def why(self, obj):
        reports = getattr(obj, "open_report_count", 0)
        if not obj.moderation_reasons and not reports:
            return ""
        return format_html(
            "<ul>{}{}</ul>",
            format_html_join("", "<li>{}</li>", ((text,) for text in obj.reason_texts)),
            format_html(
                '<li class="mod-reports">{} open reader report{}</li>',
                reports,
                "s" if reports != 1 else "",
            )
            if reports
            else "",
        )

    @admin.display(description="Why the policy decided so")
    def why_held(self, obj):
        return self.why(obj) or "—"

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

    @admin.display(description="History")
    def commenter_history(self, obj):
        desk.attach_history([obj])
        return rows.draw("history", {**self._row(obj), "desk_form": "mod-desk", "expanded": True})

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
        """Status changes, redactions and picks go through moderation.actions (audit log,
        counts, stored HTML)."""
        note = form.cleaned_data.get("moderation_note", "")
        fresh = Comment.objects.get(pk=obj.pk)
        if "text" in form.changed_data and form.cleaned_data["text"] != fresh.body:
            actions.redact(fresh, form.cleaned_data["text"], actor=request.user, reason=note)
        if "status" in form.changed_data:
            action = actions.action_for(form.initial["status"], form.cleaned_data["status"])
            actions.moderate(
                Comment.objects.filter(pk=obj.pk), action, actor=request.user, reason=note
            )
        if "featured" in form.changed_data:
            fresh = Comment.objects.get(pk=obj.pk)
            actions.feature(fresh, form.cleaned_data["featured"], actor=request.user)

    def changelist_view(self, request, extra_context=None):
        status = request.GET.get("status") or Status.PENDING
        titles = {Status.PENDING: "Moderation queue", "all": "All comments"}
        label = dict(Status.choices).get(status, "")
        title = titles.get(status, f"Comments: {label.lower()}")
        post_id = request.GET.get("post__id__exact", "")
        if post_id.isdigit():
            post_title = Post.objects.filter(pk=post_id).values_list("title", flat=True).first()
            title = f"Thread view: {post_title}" if post_title else title
        self._can_ban = self.has_ban_permission(request)
        context = {
            "title": title,
            "tabs": self._tabs(request),
            "desk_url": reverse("admin:comments_comment_desk"),
            "here": request.get_full_path(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def _tabs(self, request):
        """Pending / Reported / All, with their counts (one query)."""
        counts = desk.tab_counts()
        reported = request.GET.get("reported") == "open"
        status = request.GET.get("status") or Status.PENDING
        base = reverse("admin:comments_comment_changelist")
        return [
            {
                "key": "pending",
                "label": "Pending",
                "url": base,
                "count": counts["pending"],
                "current": status == Status.PENDING and not reported,
            },
            {
                "key": "reported",
                "label": "Reported",
                "url": f"{base}?status=all&reported=open",
                "count": counts["reported"],
                "current": reported,
            },
            {
                "key": "all",
                "label": "All",
                "url": f"{base}?status=all",
                "count": counts["all"],
                "current": status == "all" and not reported,
            },
        ]

    # Row actions (the queue's buttons and keys) -------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.desk_view))
        return [path("desk/", view, name="comments_comment_desk"), *super().get_urls()]

    ROW_ACTIONS = {
        "approve": (Action.APPROVE, "approved"),
        "spam": (Action.SPAM, "marked as spam"),
        "remove": (Action.REMOVE, "removed"),
        "restore": (Action.RESTORE, "restored"),
    }

    def desk_view(self, request):
        """One action on one row: `do=<action>:<comment pk>`. Answers JSON to the queue's
        script (the row and the counts update in place) and otherwise redirects back to the
        same place in the queue (`next`, then the row that followed)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        operation, _, pk = request.POST.get("do", "").partition(":")
        wants_json = "application/json" in request.headers.get("Accept", "")
        comment = get_object_or_404(
            Comment.objects.select_related("post"), pk=int(pk) if pk.isdigit() else 0
        )
        try:
            message = self._do(request, operation, comment)
        except ValueError as error:
            if wants_json:
                return JsonResponse({"ok": False, "message": str(error)}, status=400)
            self.message_user(request, str(error), messages.ERROR)
            return self._back(request, comment.pk)
        if wants_json:
            return JsonResponse(self._row_state(request, comment.pk, message))
        self.message_user(request, message, messages.SUCCESS)
        return self._back(request, request.POST.get(f"next-{comment.pk}") or comment.pk)

    def _do(self, request, operation, comment):
        user = request.user
        if operation in self.ROW_ACTIONS:
            action, verb = self.ROW_ACTIONS[operation]
            if operation == "restore" and comment.status != Status.REMOVED:
                raise ValueError("Only a removed comment can be restored.")
            changed = actions.moderate(Comment.objects.filter(pk=comment.pk), action, actor=user)
            if not changed:
                return f"Comment #{comment.pk} already had that status."
            return f"Comment #{comment.pk} {verb}."
        if operation in ("feature", "unfeature"):
            actions.feature(comment, operation == "feature", actor=user)
            verb = "featured" if operation == "feature" else "no longer featured"
            return f"Comment #{comment.pk} {verb}."
        email = comment.email
        if operation in ("trust", "untrust"):
            actions.trust(email, operation == "trust", actor=user, comment=comment)
            return f"{email} is {'now' if operation == 'trust' else 'no longer'} trusted."
        if operation in ("suspend", "unsuspend"):
            days = 0
            if operation == "suspend":
                try:
                    days = int(request.POST.get(f"days-{comment.pk}", ""))
                except ValueError:
                    raise ValueError("Give the number of days of the suspension.") from None
                if not 1 <= days <= 3650:
                    raise ValueError("A suspension lasts from 1 to 3,650 days.")
            until = actions.suspend(email, days, actor=user, comment=comment)
            if until is None:
                return f"{email} may comment again."
            return f"{email} is suspended until {date_format(timezone.localtime(until), 'j F Y')}."
        if operation in ("ban", "ban_ip"):
            if not self.has_ban_permission(request):
                raise PermissionDenied
            bans, changed = actions.ban_authors(
                Comment.objects.filter(pk=comment.pk),
                by_email=True,
                by_ip=operation == "ban_ip",
                actor=user,
                reason="Banned from the queue.",
            )
            return f"{bans} new ban{'s' if bans != 1 else ''}; comment #{comment.pk} is spam."
        raise ValueError("Unknown action.")

    def _row_state(self, request, pk, message):
        self._can_ban = self.has_ban_permission(request)
        comment = self.get_queryset(request).select_related("post", "parent", "user").get(pk=pk)
        desk.attach_history([comment])
        return {
            "ok": True,
            "message": message,
            "status": comment.status,
            "counts": desk.tab_counts(),
            "cells": {
                "status_badge": self.status_badge(comment),
                "author": self.author(comment),
                "why": self.why(comment),
                "row_actions": self.row_actions(comment),
            },
        }

    def _back(self, request, pk):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(f"{back.split('#')[0]}#queue-{pk}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._can_ban = self.has_ban_permission(request)
        extra_context = {
            "title": "Moderate comment",
            "desk_url": reverse("admin:comments_comment_desk"),
            "here": request.get_full_path(),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        # Nothing related is edited here (the revisions inline is read-only), but the admin's
        # change message reads what each formset saved.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

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

    def get_actions(self, request, action_location=None):
        # No delete_selected (mptt's or Django's): moderation never hard-deletes.
        # Django 6.1 says where the actions are shown (action_location); 5.2 has no argument.
        where = {} if action_location is None else {"action_location": action_location}
        found = super().get_actions(request, **where)
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
    search_fields = ["reason", "=comment_pk", "email"]

    @admin.display(description="Comment")
    def comment_ref(self, obj):
        if obj.comment_pk is None:
            return obj.email  # An action on a commenter, taken outside any comment.
        if obj.comment_id is None:
            return f"#{obj.comment_pk} (deleted)"
        url = reverse("admin:comments_comment_change", args=[obj.comment_id])
        return format_html('<a href="{}">#{}</a>', url, obj.comment_pk)
