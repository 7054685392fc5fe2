"""Staff's view of notifications: the outbox (failed mails can be sent again), addresses and
their subscriptions, and a commenter's own data by address (download, erase).

The task results of the database queue (django_tasks_db's "Task results" admin) show every
task, including one that failed for good, with its traceback."""

import json

from django.contrib import admin, messages
from django.http import HttpResponse

from . import mydata
from .models import Address, OutgoingMail, Subscription
from .outbox import retry_failed


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email", "subject", "key"]
    actions = ["send_again"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Send the selected failed mails again", permissions=["view"])
    def send_again(self, request, queryset):
        count = retry_failed(queryset)
        self.message_user(request, f"{count} mail(s) queued again.", messages.SUCCESS)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """A commenter's address. Add one by hand to export or erase an address's comments."""

    list_display = ["email", "confirmed_at", "unsubscribed_at", "comment_count"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "unsubscribed_at"]
    search_fields = ["email"]
    fields = ["email", "confirmed_at", "confirmation_sent_at", "unsubscribed_at", "created_at"]
    readonly_fields = ["confirmed_at", "confirmation_sent_at", "created_at"]
    actions = ["export_comments", "erase_comments"]

    @admin.display(description="comments")
    def comment_count(self, obj):
        return mydata.comments_of(obj.email).count()

    def save_model(self, request, obj, form, change):
        obj.email = obj.email.strip().lower()
        super().save_model(request, obj, form, change)

    @admin.action(description="Download the comments of the selected addresses (JSON)")
    def export_comments(self, request, queryset):
        payload = [mydata.export(address.email) for address in queryset]
        response = HttpResponse(
            json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="comments-by-address.json"'
        return response

    @admin.action(
        description="Erase the comments of the selected addresses, and the addresses",
        permissions=["delete"],
    )
    def erase_comments(self, request, queryset):
        deleted = placeholders = 0
        for email in list(queryset.values_list("email", flat=True)):
            result = mydata.erase(email)
            deleted += result["deleted"]
            placeholders += result["placeholders"]
        self.message_user(
            request,
            f"Erased: {deleted} comment(s) deleted, {placeholders} left as placeholders.",
            messages.SUCCESS,
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["comment", "email", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["email"]
    raw_id_fields = ["comment"]
