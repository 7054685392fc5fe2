"""Importing a WordPress export: posts with their authors, terms and whole discussions.

Each post is written in one transaction together with its comments (imports/threads.py), so
a failure never leaves half a post. See docs/imports.md for the field mapping.
"""

from django.db import transaction
from django.utils import timezone

from blog.models import Category, Post, Tag
from comments.models import Comment

from . import wxr
from .content import BodyNotes, comment_text, plain_text, post_body
from .mapping import (
    People,
    Terms,
    clean_email,
    clean_ip,
    clean_name,
    clean_url,
    find_record,
    fingerprint,
    link_key,
    make_slug,
)
from .models import SourceRecord
from .threads import SourceComment, save_comments

SOURCE = SourceRecord.Source.WORDPRESS
POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.SCHEDULED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
SKIPPED_STATUSES = {
    "trash": "in the WordPress trash",
    "auto-draft": "an empty auto-draft",
    "inherit": "a revision",
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
PINGS = {"pingback", "trackback", "pings"}
SKIPPED_TYPES = {
    "page": "a page (the blog has no page type)",
    "attachment": "an attachment (media stay on the old site)",
    "nav_menu_item": "a menu item",
    "revision": "a revision",
}
SLUG_MAX = Post._meta.get_field("slug").max_length
TITLE_MAX = Post._meta.get_field("title").max_length


class WordPressImport:
    def __init__(self, channel, summary):
        self.channel = channel
        self.site = channel.site
        self.summary = summary
        self.people = People(SOURCE, self.site, summary)
        self.categories = Terms(SOURCE, self.site, summary, Category)
        self.tags = Terms(SOURCE, self.site, summary, Tag)

    def run(self, path, progress=None):
        for kind, data in wxr.read(path):
            if kind == "author":
                self.people.describe(
                    data.get("wp:author_login", ""),
                    source_id=data.get("wp:author_id", ""),
                    email=data.get("wp:author_email", ""),
                    first_name=data.get("wp:author_first_name", ""),
                    last_name=data.get("wp:author_last_name", ""),
                )
            elif kind == "category":
                self.categories.describe(
                    data.get("wp:category_nicename", ""),
                    data.get("wp:cat_name", ""),
                    data.get("wp:category_parent", ""),
                    data.get("wp:category_description", ""),
                )
            elif kind == "tag":
                self.tags.describe(data.get("wp:tag_slug", ""), data.get("wp:tag_name", ""))
            elif kind == "item":
                self.item(data)
                if progress is not None:
                    progress.update(1)

    # ---------- One item ----------

    def item(self, item):
        post_type = item.get("wp:post_type") or "post"
        title = plain_text(item.get("title", ""))[:TITLE_MAX] or "(untitled)"
        wp_id = item.get("wp:post_id", "")
        if post_type != "post":
            reason = SKIPPED_TYPES.get(post_type, f"a {post_type} (not a post)")
            self.summary.skip("post", reason)
            if post_type == "attachment" and item.get("wp:attachment_url"):
                self.summary.note(
                    "Attachments left on the old site (not fetched)", item["wp:attachment_url"]
                )
            if item["comments"]:
                self.summary.skip("comment", "under a skipped item", len(item["comments"]))
            return
        wp_status = item.get("wp:status") or "draft"
        if wp_status in SKIPPED_STATUSES or wp_status not in POST_STATUSES:
            self.summary.skip("post", SKIPPED_STATUSES.get(wp_status, f"status {wp_status!r}"))
            if item["comments"]:
                self.summary.skip("comment", "under a skipped item", len(item["comments"]))
            return
        label = f"“{title}” (WordPress id {wp_id})"
        with transaction.atomic():
            post = self.save_post(item, title, wp_status, label)
            comments = self.comments_of(item, label)
            save_comments(
                post, comments, source=SOURCE, site=self.site, summary=self.summary, label=label
            )

    def save_post(self, item, title, wp_status, label):
        status = POST_STATUSES[wp_status]
        if item.get("wp:post_password"):
            status = Post.Status.DRAFT
            self.summary.note("Password-protected posts (imported as drafts, not public)", label)
        elif wp_status == "private":
            self.summary.note("Private posts (imported as drafts, not public)", label)
        if item.get("wp:is_sticky") == "1":
            self.summary.note("Sticky posts (the blog has no sticky flag: ordinary posts)", label)
        date = wxr.parse_date(item.get("wp:post_date_gmt"), item.get("wp:post_date"))
        published_at = wxr.parse_date(item.get("wp:post_date_gmt"))
        if status != Post.Status.DRAFT:
            published_at = date or timezone.now()
        modified = wxr.parse_date(item.get("wp:post_modified_gmt"), item.get("wp:post_modified"))
        notes = BodyNotes()
        body = post_body(item.get("content:encoded", ""), notes)
        author = self.people.get(item.get("dc:creator", "")) or self.people.get("wordpress")
        categories = [
            self.categories.get(nicename, name)
            for domain, nicename, name in item["categories"]
            if domain == "category"
        ]
        tags = [
            self.tags.get(nicename, name)
            for domain, nicename, name in item["categories"]
            if domain == "post_tag"
        ]
        wp_id = item.get("wp:post_id", "")
        slug = make_slug(item.get("wp:post_name"), max_length=SLUG_MAX, fallback="") or make_slug(
            title, max_length=SLUG_MAX, fallback=f"post-{wp_id}"
        )
        fields = {
            "title": title,
            "standfirst": plain_text(item.get("excerpt:encoded", "")),
            "body": body,
            "status": status,
            "published_at": published_at,
            "comments_enabled": item.get("wp:comment_status", "open") != "closed",
        }
        stamp = fingerprint(
            fields,
            slug,
            author.pk,
            sorted(c.pk for c in categories),
            sorted(t.pk for t in tags),
            date,
            modified,
        )
        record = find_record(SOURCE, self.site, SourceRecord.Kind.POST, wp_id)
        if record is not None and record.fingerprint == stamp:
            self.summary.count("post", "unchanged", record.post.status)
            return record.post
        if record is not None:
            post = record.post
            action = "updated"
        else:
            post = Post(slug=slug)
            action = "created"
            if Post.objects.filter(slug=slug).exists():
                post.slug = f"{slug[: SLUG_MAX - len(wp_id) - 3]}-wp{wp_id}"
                self.summary.note(
                    "Slugs already taken on the blog (renamed)", f"{label}: {post.slug}"
                )
        for name, value in fields.items():
            setattr(post, name, value)
        post.author = author
        post.save()
        post.categories.set(categories)
        post.tags.set(tags)
        # created_at and updated_at are automatic fields: keep WordPress's dates instead.
        Post.objects.filter(pk=post.pk).update(
            created_at=date or post.created_at, updated_at=modified or date or post.updated_at
        )
        if record is None:
            SourceRecord.objects.create(
                source=SOURCE,
                site=self.site,
                kind=SourceRecord.Kind.POST,
                source_id=wp_id,
                post=post,
                fingerprint=stamp,
                link=link_key(item.get("link", ""))[:500],
            )
        else:
            record.fingerprint = stamp
            record.save(update_fields=["fingerprint", "imported_at"])
        self.summary.count("post", action, post.status)
        for image in notes.images:
            self.summary.note("Images referenced by address (not fetched)", image)
        for shortcode in notes.dropped_shortcodes:
            self.summary.note("Shortcodes dropped (gallery, audio, video)", f"{label}: {shortcode}")
        for iframe in notes.dropped_iframes:
            self.summary.note("Frames dropped (not YouTube or Vimeo)", f"{label}: {iframe}")
        if notes.videos:
            self.summary.tally("YouTube and Vimeo embeds kept", notes.videos)
        return post

    def comments_of(self, item, label):
        comments = []
        for raw in item["comments"]:
            kind = (raw.get("wp:comment_type") or "").strip()
            if kind in PINGS:
                self.summary.skip("comment", "pingback or trackback")
                continue
            if not (raw.get("wp:comment_id") or "").strip():
                self.summary.skip("comment", "no wp:comment_id")
                continue
            approved = (raw.get("wp:comment_approved") or "0").strip()
            status = COMMENT_STATUSES.get(approved)
            if status is None:
                status = Comment.Status.PENDING
                self.summary.tally(f"Comments with status {approved!r} (kept as pending)")
            parent = (raw.get("wp:comment_parent") or "").strip()
            comments.append(
                SourceComment(
                    source_id=(raw.get("wp:comment_id") or "").strip(),
                    parent_id="" if parent in ("", "0") else parent,
                    name=clean_name(plain_text(raw.get("wp:comment_author", ""))),
                    email=clean_email(raw.get("wp:comment_author_email")),
                    url=clean_url(raw.get("wp:comment_author_url")),
                    ip_address=clean_ip(raw.get("wp:comment_author_IP")),
                    created_at=wxr.parse_date(
                        raw.get("wp:comment_date_gmt"), raw.get("wp:comment_date")
                    )
                    or timezone.now(),
                    status=status,
                    body=comment_text(raw.get("wp:comment_content", "")),
                    user=self.people.by_source_id(raw.get("wp:comment_user_id")),
                )
            )
        return comments
