"""Where imported rows came from, read-only: the records are written only by the importers."""

from django.contrib import admin

from .models import SourceRecord


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["source_id", "kind", "source", "site", "imported_object", "imported_at"]
    list_filter = ["source", "kind", "site"]
    search_fields = ["source_id", "link"]
    list_select_related = ["post", "user", "category", "tag"]
    raw_id_fields = ["post", "comment", "user", "category", "tag"]
    readonly_fields = [field.name for field in SourceRecord._meta.fields]

    @admin.display(description="Imported as")
    def imported_object(self, obj):
        # Comments are shown by number only: their __str__ would need a query per row.
        if obj.kind == SourceRecord.Kind.COMMENT:
            return f"Comment #{obj.comment_id}"
        return getattr(obj, obj.kind)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
