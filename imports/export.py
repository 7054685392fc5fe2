"""Writing the blog out as a WordPress export (WXR 1.2), streamed post by post.

What WordPress's importer reads and import_wordpress turns back into the same site: users
(authors of posts and signed-in commenters) as <wp:author>, categories and tags, and every
post with its comments. Bodies are exported as the HTML the blog shows (body_html), comments
as their rendered HTML, which import_wordpress turns back into the same comment text. A
comment attached at the depth cap is exported as a reply to the comment it answers
(in_reply_to), which is what WordPress stores; importing it again re-applies the cap.
"""

import html
import re
import zoneinfo
from datetime import UTC

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from blog.models import Category, Post, SiteSettings, Tag
from blog.site import site_url as site_address
from comments.formatting import render_comment_body
from comments.models import Comment

WXR_VERSION = "1.2"
ZERO_DATE = "0000-00-00 00:00:00"
POST_STATUSES = {
    Post.Status.PUBLISHED: "publish",
    Post.Status.SCHEDULED: "future",
    Post.Status.DRAFT: "draft",
}
COMMENT_STATUSES = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
}
# Characters XML 1.0 cannot carry at all (a Word line break pasted into a title, say).
INVALID_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- WordPress eXtended RSS (WXR 1.2) written by Threadline's export_wordpress. -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
"""


def text(value):
    """Escaped character data."""
    return html.escape(INVALID_XML_RE.sub("", str(value or "")), quote=False)


def cdata(value):
    value = INVALID_XML_RE.sub("", str(value or ""))
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def as_html_text(value):
    """Plain text as WordPress stores it in titles and names (HTML), in a CDATA section."""
    return cdata(html.escape(value or "", quote=False))


def dates(moment):
    """(local, GMT) strings as WXR writes them."""
    if moment is None:
        return ZERO_DATE, ZERO_DATE
    local = moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return f"{local:%Y-%m-%d %H:%M:%S}", f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}"


def write_wxr(out, posts=None):
    """Write the site (or the given posts) to the text stream `out`; returns the counts."""
    posts = Post.objects.all() if posts is None else posts
    posts = posts.select_related("author").prefetch_related("categories", "tags").order_by("pk")
    site_url = site_address()
    site = SiteSettings.load()
    out.write(HEAD)
    out.write(f"\t<title>{text(site.site_name)}</title>\n\t<link>{text(site_url)}</link>\n")
    out.write(f"\t<description>{text(site.tagline)}</description>\n")
    out.write(f"\t<language>{text(settings.LANGUAGE_CODE)}</language>\n")
    out.write(f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n")
    out.write(f"\t<wp:base_site_url>{text(site_url)}</wp:base_site_url>\n")
    out.write(f"\t<wp:base_blog_url>{text(site_url)}</wp:base_blog_url>\n")
    users = (
        get_user_model().objects.filter(Q(posts__in=posts) | Q(comments__post__in=posts)).distinct()
    )
    for user in users.order_by("pk"):
        out.write(
            "\t<wp:author>"
            f"<wp:author_id>{user.pk}</wp:author_id>"
            f"<wp:author_login>{cdata(user.get_username())}</wp:author_login>"
            f"<wp:author_email>{cdata(user.email)}</wp:author_email>"
            f"<wp:author_display_name>{as_html_text(user.get_full_name() or user.get_username())}"
            "</wp:author_display_name>"
            f"<wp:author_first_name>{cdata(user.first_name)}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata(user.last_name)}</wp:author_last_name>"
            "</wp:author>\n"
        )
    for category in Category.objects.order_by("pk"):
        out.write(
            "\t<wp:category>"
            f"<wp:term_id>{category.pk}</wp:term_id>"
            f"<wp:category_nicename>{cdata(category.slug)}</wp:category_nicename>"
            "<wp:category_parent></wp:category_parent>"
            f"<wp:cat_name>{cdata(category.name)}</wp:cat_name>"
            f"<wp:category_description>{cdata(category.description)}</wp:category_description>"
            "</wp:category>\n"
        )
    for tag in Tag.objects.order_by("pk"):
        out.write(
            "\t<wp:tag>"
            f"<wp:term_id>{tag.pk}</wp:term_id>"
            f"<wp:tag_slug>{cdata(tag.slug)}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(tag.name)}</wp:tag_name>"
            "</wp:tag>\n"
        )
    out.write("\t<generator>Threadline export_wordpress</generator>\n")
    counts = {"posts": 0, "comments": 0}
    for post in posts.iterator(chunk_size=200):
        _write_post(out, post, site_url)
        counts["posts"] += 1
        counts["comments"] += _write_comments(out, post)
        out.write("\t</item>\n")
    out.write("</channel>\n</rss>\n")
    return counts


def _write_post(out, post, site_url):
    local, gmt = dates(post.published_at)
    if post.published_at is None:
        local = dates(post.created_at)[0]
    _, modified_gmt = dates(post.updated_at)
    modified_local = dates(post.updated_at)[0]
    out.write(
        "\t<item>\n"
        f"\t\t<title>{as_html_text(post.title)}</title>\n"
        f"\t\t<link>{text(site_url + post.get_absolute_url())}</link>\n"
        f"\t\t<dc:creator>{cdata(post.author.get_username())}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{text(site_url)}/?p={post.pk}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{cdata(post.body_html)}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{as_html_text(post.standfirst)}</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{post.pk}</wp:post_id>\n"
        f"\t\t<wp:post_date>{local}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{gmt}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_modified>{modified_local}</wp:post_modified>\n"
        f"\t\t<wp:post_modified_gmt>{modified_gmt}</wp:post_modified_gmt>\n"
        f"\t\t<wp:comment_status>{'open' if post.comments_enabled else 'closed'}"
        "</wp:comment_status>\n"
        "\t\t<wp:ping_status>closed</wp:ping_status>\n"
        f"\t\t<wp:post_name>{cdata(post.slug)}</wp:post_name>\n"
        f"\t\t<wp:status>{POST_STATUSES[post.status]}</wp:status>\n"
        "\t\t<wp:post_parent>0</wp:post_parent>\n"
        "\t\t<wp:menu_order>0</wp:menu_order>\n"
        "\t\t<wp:post_type>post</wp:post_type>\n"
        "\t\t<wp:post_password></wp:post_password>\n"
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
    )
    for category in post.categories.all():
        out.write(
            f'\t\t<category domain="category" nicename="{html.escape(category.slug)}">'
            f"{cdata(category.name)}</category>\n"
        )
    for tag in post.tags.all():
        out.write(
            f'\t\t<category domain="post_tag" nicename="{html.escape(tag.slug)}">'
            f"{cdata(tag.name)}</category>\n"
        )


def _write_comments(out, post):
    rows = (
        Comment.objects.filter(post=post)
        .order_by("tree_id", "lft")
        .values_list(
            "pk",
            "parent_id",
            "in_reply_to_id",
            "user_id",
            "name",
            "email",
            "url",
            "ip_address",
            "created_at",
            "body",
            "status",
            named=True,
        )
    )
    count = 0
    for row in rows.iterator(chunk_size=2000):
        local, gmt = dates(row.created_at)
        out.write(
            "\t\t<wp:comment>\n"
            f"\t\t\t<wp:comment_id>{row.pk}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{as_html_text(row.name)}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{cdata(row.email)}</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{text(row.url)}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{text(row.ip_address or '')}</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{local}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(render_comment_body(row.body))}"
            "</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{COMMENT_STATUSES[row.status]}</wp:comment_approved>\n"
            "\t\t\t<wp:comment_type>comment</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{row.in_reply_to_id or row.parent_id or 0}"
            "</wp:comment_parent>\n"
            f"\t\t\t<wp:comment_user_id>{row.user_id or 0}</wp:comment_user_id>\n"
            "\t\t</wp:comment>\n"
        )
        count += 1
    return count
