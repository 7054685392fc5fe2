from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from .forms import PostAdminForm
from .images import process_cover
from .models import Category, Post, SiteSettings, SocialLink, Tag
from .site import clear_site_cache


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = ["title", "status_label", "published_at", "author", "comment_count", "view_link"]
    list_filter = ["status", "published_at", "categories"]
    search_fields = ["title", "standfirst", "body", "source", "dateline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories", "tags"]
    list_select_related = ["author"]
    readonly_fields = ["cover_preview", "comment_count", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "standfirst", "body"]}),
        ("Attribution", {"fields": ["source", "dateline"]}),
        ("Cover image", {"fields": ["cover_image", "cover_alt", "cover_preview"]}),
        ("Publishing", {"fields": ["status", "published_at", "categories", "tags"]}),
        (
            "Discussion",
            {
                "fields": [
                    "comments_enabled",
                    "comments_close_at",
                    "moderation_mode",
                    "comment_count",
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def view_on_site(self, obj):
        """The change form's "View on site" button: the preview while a post is not public."""
        return obj.get_absolute_url() if obj.is_public else obj.get_preview_url()

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.status != Post.Status.DRAFT and not obj.is_public:
            return "Scheduled"
        return obj.get_status_display()

    @admin.display(description="View")
    def view_link(self, obj):
        if obj.is_public:
            return format_html('<a href="{}">View</a>', obj.get_absolute_url())
        return format_html('<a href="{}">Preview</a>', obj.get_preview_url())

    @admin.display(description="Current cover")
    def cover_preview(self, obj):
        cover = obj.cover
        if not cover:
            return "No cover yet."
        return format_html(
            '<img src="{}" alt="{}" width="320"><br>{} × {} pixels, {} renditions',
            obj.cover_image.storage.url(obj.cover_renditions[0]["jpeg"]),
            obj.cover_alt,
            obj.cover_width,
            obj.cover_height,
            len(obj.cover_renditions),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "cover_image" in form.changed_data:
            # Decoding and resizing happen here, once per new upload, rather than in save().
            process_cover(obj)

    @admin.action(description="Publish selected posts now", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self.message_user(
            request,
            ngettext("%d post is now public.", "%d posts are now public.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected posts (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(
            request,
            ngettext("%d post is now a draft.", "%d posts are now drafts.", count) % count,
            messages.SUCCESS,
        )


class SiteCacheAdminMixin:
    """Changes here show in every page's header or footer, so the cached copy is dropped."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_site_cache()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        clear_site_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        clear_site_cache()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        clear_site_cache()


@admin.register(Category)
class CategoryAdmin(SiteCacheAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        public = Post.objects.published().values("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(public_posts=Count("posts", filter=Q(posts__in=public), distinct=True))
        )

    @admin.display(description="Public posts", ordering="public_posts")
    def post_count(self, obj):
        return obj.public_posts


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    extra = 1
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(SiteSettings)
class SiteSettingsAdmin(SiteCacheAdminMixin, admin.ModelAdmin):
    """There is one row of site settings: the list goes straight to it."""

    inlines = [SocialLinkInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = SiteSettings.load()
        return redirect(reverse("admin:blog_sitesettings_change", args=[settings_row.pk]))
