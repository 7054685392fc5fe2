"""export_wordpress, and the round trip import -> export -> import into an empty database."""

import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from blog.models import Category, Post, Tag
from comments.models import Comment
from comments.posting import recount
from comments.trees import find_tree_problems
from imports.models import SourceRecord
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def canonical(html):
    """HTML with each tag's attributes sorted and blank lines between blocks dropped.

    nh3 adds the attributes it sets (loading, decoding on images) in an order that changes
    from one call to the next, and Markdown may put a blank line between two HTML blocks;
    neither changes the page.
    """
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        tag.attrs = dict(sorted(tag.attrs.items()))
    return re.sub(r">\n+<", ">\n<", str(soup))


def snapshot():
    """Everything a reader sees, independent of primary keys and tree ids."""

    def key(comment):
        return None if comment is None else (comment.created_at, comment.name, comment.body)

    posts = {}
    for post in Post.objects.order_by("slug"):
        comments = sorted(
            (
                key(c),
                c.level,
                c.status,
                c.email,
                c.url,
                c.ip_address,
                c.body_html,
                getattr(c.user, "username", None),
                key(c.parent),
                key(c.in_reply_to),
            )
            for c in Comment.objects.filter(post=post).select_related("parent", "in_reply_to")
        )
        posts[post.slug] = {
            "title": post.title,
            "status": post.status,
            "published_at": post.published_at,
            "standfirst": post.standfirst,
            "body_html": canonical(post.body_html),
            "comments_enabled": post.comments_enabled,
            "comment_count": post.comment_count,
            "author": post.author.username,
            "categories": sorted(post.categories.values_list("slug", "name")),
            "tags": sorted(post.tags.values_list("slug", "name")),
            "comments": comments,
        }
    return posts


def empty_the_site():
    SourceRecord.objects.all().delete()
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()


def test_import_export_import_gives_the_same_posts_trees_and_statuses(
    newsroom, run, data, tmp_path
):
    run("import_disqus", str(data / "courier.disqus.xml"))
    before = snapshot()
    exported = tmp_path / "export.xml"
    call_command("export_wordpress", output=str(exported), stderr=StringIO())
    empty_the_site()
    summary = run("import_wordpress", str(exported))
    assert "posts:      created 7" in summary
    assert "comments:   created 25" in summary
    assert snapshot() == before
    assert find_tree_problems() == []


def test_the_export_is_wxr_1_2_with_parents_and_statuses(newsroom, tmp_path):
    exported = tmp_path / "export.xml"
    call_command("export_wordpress", output=str(exported), stderr=StringIO())
    text = exported.read_text()
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in text
    assert 'xmlns:wp="http://wordpress.org/export/1.2/"' in text
    assert "<wp:status>future</wp:status>" in text
    for status in ("1", "0", "spam", "trash"):
        assert f"<wp:comment_approved>{status}</wp:comment_approved>" in text
    jonas = Comment.objects.get(name="Jonas Østergaard")
    assert f"<wp:comment_parent>{jonas.parent_id}</wp:comment_parent>" in text
    assert "<wp:author_login><![CDATA[editor]]></wp:author_login>" in text
    assert '<category domain="post_tag" nicename="night-trains">' in text


def test_a_reply_attached_at_the_cap_is_exported_as_an_answer_to_whom_it_answers(
    newsroom, tmp_path
):
    exported = tmp_path / "export.xml"
    call_command("export_wordpress", output=str(exported), stderr=StringIO())
    ninth = Comment.objects.get(name="Reader 9 😀")
    assert ninth.in_reply_to_id != ninth.parent_id
    text = exported.read_text()
    block = text[text.index(f"<wp:comment_id>{ninth.pk}</wp:comment_id>") :]
    assert block.index(f"<wp:comment_parent>{ninth.in_reply_to_id}</wp:comment_parent>") < (
        block.index("</wp:comment>")
    )


def test_posts_written_on_the_blog_survive_the_round_trip(run, tmp_path):
    # WXR dates are to the second.
    now = timezone.now().replace(microsecond=0)
    post = PostFactory(
        published_at=now - timezone.timedelta(hours=1),
        title="Markdown & <friends>",
        body="# Heading\n\nSome *text* with a [link](https://example.org).\n\n"
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n- one\n- two\n\n```\ncode <b>\n```",
        standfirst="A < B & C",
    )
    root = CommentFactory(post=post, body="Hello *there*\n\n> quoted\n\n1. a\n2. b", created_at=now)
    CommentFactory(
        post=post, parent=root, body="see www.example.com", status="pending", created_at=now
    )
    recount([post.pk])  # the factories write comments directly
    before = snapshot()
    exported = tmp_path / "export.xml"
    call_command("export_wordpress", output=str(exported), stderr=StringIO())
    empty_the_site()
    run("import_wordpress", str(exported))
    after = snapshot()
    # A Markdown body comes back as its HTML, which renders to the same page.
    assert after == before


def test_characters_xml_cannot_carry_are_left_out_of_the_export(run, tmp_path):
    PostFactory(title="Line\x0bbreak from Word", slug="word")
    exported = tmp_path / "export.xml"
    call_command("export_wordpress", output=str(exported), stderr=StringIO())
    empty_the_site()
    run("import_wordpress", str(exported))
    assert Post.objects.get(slug="word").title == "Linebreak from Word"


def test_the_export_goes_to_standard_output_without_a_file(newsroom):
    out = StringIO()
    call_command("export_wordpress", "--published-only", stdout=out)
    text = out.getvalue()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    assert text.rstrip().endswith("</rss>")
    assert "Night trains return to the valley" in text
    assert "Board minutes" not in text and "Timetable changes" not in text
