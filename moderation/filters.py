"""The moderation queue's list filters: status (defaulting to the queue), why a comment was
held, reader reports and first-time commenters."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.db.models.functions import Upper

from comments.models import Comment

from .models import Report
from .policy import BOT_SIGNALS, ReasonCode

Status = Comment.Status


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the pending queue; "All" is an explicit choice."""

    title = "status"
    parameter_name = "status"
    default = Status.PENDING

    def lookups(self, request, model_admin):
        return [*Status.choices, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        current = self.value()
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class ReportedFilter(admin.SimpleListFilter):
    title = "reader reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "Open reports"), ("any", "Ever reported")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(
                Exists(Report.objects.filter(comment=OuterRef("pk"), resolved=False))
            )
        if self.value() == "any":
            return queryset.filter(Exists(Report.objects.filter(comment=OuterRef("pk"))))
        return queryset


class FirstTimeFilter(admin.SimpleListFilter):
    title = "commenter"
    parameter_name = "first_time"

    def lookups(self, request, model_admin):
        return [
            ("yes", "First-time (no approved comment)"),
            ("no", "Known (has approved comments)"),
        ]

    def queryset(self, request, queryset):
        # NOT IN over one list of addresses: the database hashes it once instead of running a
        # correlated subquery per row. Compared in upper case, as the policy does (iexact).
        known = Comment.objects.public().exclude(email="").values(known_email=Upper("email"))
        if self.value() == "yes":
            return queryset.alias(upper_email=Upper("email")).exclude(upper_email__in=known)
        if self.value() == "no":
            return queryset.alias(upper_email=Upper("email")).filter(upper_email__in=known)
        return queryset


class ReasonFilter(admin.SimpleListFilter):
    """Which policy rule held the comment, from the reason codes the policy recorded."""

    title = "why held"
    parameter_name = "why"
    # (label, the reason codes of that rule). A blocklist entry can mark spam too, so the
    # bot signals are listed one by one rather than "every spam reason".
    RULES = {
        "blocklist": (ReasonCode.BLOCKLIST.label, [ReasonCode.BLOCKLIST]),
        "links": (ReasonCode.LINKS.label, [ReasonCode.LINKS]),
        "offensive": (ReasonCode.OFFENSIVE.label, [ReasonCode.OFFENSIVE]),
        "first": (ReasonCode.FIRST_TIME.label, [ReasonCode.FIRST_TIME]),
        "not_trusted_yet": (ReasonCode.NOT_TRUSTED_YET.label, [ReasonCode.NOT_TRUSTED_YET]),
        "post_hold": (ReasonCode.POST_HOLD.label, [ReasonCode.POST_HOLD]),
        "impersonation": (ReasonCode.IMPERSONATION.label, [ReasonCode.IMPERSONATION]),
        "bot": ("Bot signals", list(BOT_SIGNALS)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.RULES.items()]

    def queryset(self, request, queryset):
        if self.value() in self.RULES:
            return queryset.held_for(*self.RULES[self.value()][1])
        return queryset
