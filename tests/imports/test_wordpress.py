"""import_wordpress on tests/imports/data/newsroom.wxr.xml (WXR 1.2, block editor)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment
from comments.trees import find_tree_problems
from imports.models import SourceRecord
from tests.factories import stored_html

pytestmark = pytest.mark.django_db


def comments_of(slug):
    return list(Comment.objects.filter(post__slug=slug).order_by("tree_id", "lft"))


def by_name(slug):
    return {c.name: c for c in comments_of(slug)}


def test_posts_keep_their_title_slug_author_dates_and_terms(newsroom):
    post = Post.objects.get(slug="night-trains-return")
    assert post.title == "Night trains return to the valley"
    assert post.author.username == "editor"
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at.isoformat() == "2026-10-01T08:00:00+00:00"
    assert post.updated_at.isoformat() == "2026-10-02T10:30:00+00:00"
    assert post.standfirst == "The sleeper is back after ten years."
    assert sorted(post.categories.values_list("slug", flat=True)) == ["news", "transport"]
    assert sorted(post.tags.values_list("slug", flat=True)) == ["night-trains", "uber-alles"]
    assert post.comments_enabled
    assert not Post.objects.get(slug="timetables").comments_enabled


def test_every_wordpress_status_maps_to_a_blog_status_and_nothing_private_is_public(newsroom):
    statuses = dict(Post.objects.values_list("slug", "status"))
    assert statuses == {
        "night-trains-return": "published",
        "timetables": "published",
        "timetable-changes": "scheduled",
        "board-minutes": "draft",
        "subscribers-only": "draft",
        "half-written-piece": "draft",
        "awaiting-review": "draft",
    }
    public = set(Post.objects.published().values_list("slug", flat=True))
    assert public == {"night-trains-return", "timetables"}
    assert "Private posts (imported as drafts, not public): 1" in newsroom
    assert "Password-protected posts (imported as drafts, not public): 1" in newsroom
    assert "Sticky posts (the blog has no sticky flag: ordinary posts): 1" in newsroom


def test_pages_attachments_menu_items_and_trash_are_skipped_with_counts(newsroom):
    assert "a page (the blog has no page type) 1" in newsroom
    assert "an attachment (media stay on the old site) 1" in newsroom
    assert "a menu item 1" in newsroom
    assert "in the WordPress trash 1" in newsroom
    assert not Post.objects.filter(title__in=["About us", "Binned", "Home"]).exists()


def test_authors_are_created_inactive_without_a_password(newsroom):
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["editor", "zoe"]
    for user in users:
        assert not user.is_active
        assert not user.has_usable_password()
    assert users[1].first_name == "Zoë"


def test_block_editor_markup_scripts_and_shortcodes_become_a_clean_body(newsroom):
    html = Post.objects.get(slug="night-trains-return").body_html
    assert "wp:paragraph" not in html and "<!--" not in html
    assert "<script" not in html and "stolen cookies" not in html and "onclick" not in html
    assert "maps.example.net" not in html
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in html
    assert "<figcaption>The route, from the valley to the coast</figcaption>" in html
    assert 'src="https://courier.example.com/wp-content/uploads/2026/10/train.jpg"' in html
    assert "[gallery" not in html and "[caption" not in html
    assert "[sic]" in html
    assert "“delighted” 🚆" in html
    assert "Images referenced by address (not fetched): 2" in newsroom


def test_classic_editor_paragraphs_line_breaks_and_vimeo_links(newsroom):
    html = Post.objects.get(slug="timetables").body_html
    assert "<p>Classic editor text, first paragraph.<br>\nA line break in it.</p>" in html
    assert "player.vimeo.com/video/76979871" in html
    assert "<h1" not in html and "<h2>A heading</h2>" in html


def test_replies_form_the_same_tree_even_when_a_reply_comes_before_its_parent(newsroom):
    comments = by_name("night-trains-return")
    amelie, jonas = comments["Amélie Fournier"], comments["Jonas Østergaard"]
    editor = comments["Ed Itor"]
    assert amelie.parent is None
    assert jonas.parent == amelie
    assert editor.parent == jonas
    assert editor.user.username == "editor"
    assert comments["Grumpy"].parent == amelie
    assert find_tree_problems() == []


def test_comment_statuses_dates_and_sender_details_are_kept(newsroom):
    comments = by_name("night-trains-return")
    assert comments["Amélie Fournier"].status == Comment.Status.APPROVED
    assert comments["Waiting Reader"].status == Comment.Status.PENDING
    assert comments["Cheap Pills"].status == Comment.Status.SPAM
    assert comments["Grumpy"].status == Comment.Status.REMOVED
    jonas = comments["Jonas Østergaard"]
    assert jonas.email == "jonas@example.org"
    assert jonas.url == "https://jonas.example.net/"
    assert jonas.ip_address == "192.0.2.12"
    assert jonas.created_at.isoformat() == "2026-10-01T10:00:00+00:00"
    assert comments["Amélie Fournier"].ip_address == "2001:db8::1"
    assert comments["Ed Itor"].ip_address is None  # "not-an-ip" in the file


def test_comment_html_becomes_the_comment_text_format(newsroom):
    comments = by_name("night-trains-return")
    assert comments["Amélie Fournier"].body == (
        "Wonderful news 🎉 — I took the last one in 2016.\n\n"
        "> After ten years, the sleeper is back.\n\n"
        "Things I missed:\n\n"
        "- the *quiet*\n- the breakfast"
    )
    assert comments["Jonas Østergaard"].body == (
        "Agreed! **Finally**.\nSee https://rail.example.org/timetable for times."
    )
    editor = comments["Ed Itor"]
    assert "alert" not in editor.body and "javascript" not in editor.body_html
    assert "<strong>Finally</strong>" in comments["Jonas Østergaard"].body_html
    assert "<blockquote>" in comments["Amélie Fournier"].body_html


def test_each_comment_has_its_html_drawn_and_the_post_its_count(newsroom):
    post = Post.objects.get(slug="night-trains-return")
    assert post.comment_count == 4  # approved only: Amélie, Jonas, Ed, Orphan
    assert Post.objects.get(slug="timetables").comment_count == 12
    for comment in Comment.objects.all():
        assert stored_html(comment).startswith("<article")
        assert comment.fragment.version


def test_the_stored_fragments_are_what_comments_would_draw_for_them(newsroom):
    from comments.drawing import fragment

    for comment in Comment.objects.select_related("post"):
        assert (comment.fragment.html, comment.fragment.version) == fragment(comment)


def test_pingbacks_and_trackbacks_are_skipped_with_a_count(newsroom):
    assert "pingback or trackback 2" in newsroom
    assert not Comment.objects.filter(name__in=["Other Blog", "Trackback Site"]).exists()


def test_a_comment_whose_parent_is_missing_becomes_top_level_and_is_listed(newsroom):
    orphan = by_name("night-trains-return")["Orphan"]
    assert orphan.parent is None and orphan.level == 0
    assert "Comments whose parent is missing (made top-level): 1" in newsroom
    assert "comment 109" in newsroom and "(parent 999)" in newsroom


def test_a_chain_deeper_than_the_cap_attaches_at_the_cap_and_says_whom_it_answers(newsroom):
    chain = by_name("timetables")
    assert max(c.level for c in chain.values()) == 7  # COMMENTS_MAX_DEPTH 8
    eighth, ninth, tenth = chain["Reader 8 😀"], chain["Reader 9 😀"], chain["Reader 10 😀"]
    assert eighth.level == 7 and eighth.in_reply_to is None
    assert ninth.parent == eighth.parent and ninth.in_reply_to == eighth
    assert tenth.parent == eighth.parent and tenth.in_reply_to == ninth
    assert "Reader 9 😀" in stored_html(tenth)  # the page says whom it answers
    assert "Replies deeper than COMMENTS_MAX_DEPTH=8 (attached at the cap): 4" in newsroom


def test_the_cap_follows_the_setting(run, data, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    run("import_wordpress", str(data / "newsroom.wxr.xml"))
    assert max(c.level for c in comments_of("timetables")) == 2
    assert find_tree_problems() == []


def test_the_comment_trees_pass_the_checker_after_an_import(newsroom, capsys):
    call_command("check_comment_trees")
    assert "Every comment tree is sound." in capsys.readouterr().out


def test_a_second_import_changes_nothing(newsroom, run, data):
    before = list(Comment.objects.order_by("pk").values())
    posts_before = list(Post.objects.order_by("pk").values())
    records = SourceRecord.objects.count()
    again = run("import_wordpress", str(data / "newsroom.wxr.xml"))
    assert "posts:      created 0; unchanged 7" in again
    assert "comments:   created 0; unchanged 19" in again
    assert "users:      created 0" in again
    assert list(Comment.objects.order_by("pk").values()) == before
    assert list(Post.objects.order_by("pk").values()) == posts_before
    assert SourceRecord.objects.count() == records


def test_a_changed_file_updates_in_place(newsroom, run, data, tmp_path):
    changed = (data / "newsroom.wxr.xml").read_text()
    changed = changed.replace("Is there a dining car?", "Is there a dining car? (edited)")
    changed = changed.replace(
        "<![CDATA[0]]></wp:comment_approved>", "<![CDATA[1]]></wp:comment_approved>"
    )
    path = tmp_path / "changed.xml"
    path.write_text(changed)
    waiting = Comment.objects.get(name="Waiting Reader")
    summary = run("import_wordpress", str(path))
    assert "updated 1 (approved 1)" in summary
    waiting.refresh_from_db()
    assert waiting.status == Comment.Status.APPROVED
    assert waiting.body.endswith("(edited)") and "(edited)" in stored_html(waiting)
    assert Post.objects.get(slug="night-trains-return").comment_count == 5
    assert find_tree_problems() == []


def test_new_replies_in_a_later_export_join_the_existing_tree(newsroom, run, data, tmp_path):
    extra = """<wp:comment><wp:comment_id>150</wp:comment_id>
        <wp:comment_author>Late Reply</wp:comment_author>
        <wp:comment_date_gmt>2026-10-03 10:00:00</wp:comment_date_gmt>
        <wp:comment_content>Late to the party.</wp:comment_content>
        <wp:comment_approved>1</wp:comment_approved>
        <wp:comment_parent>101</wp:comment_parent></wp:comment>"""
    text = (data / "newsroom.wxr.xml").read_text()
    text = text.replace("<!-- A reply that comes before its parent in the file. -->", extra, 1)
    path = tmp_path / "later.xml"
    path.write_text(text)
    run("import_wordpress", str(path))
    comments = by_name("night-trains-return")
    late, amelie = comments["Late Reply"], comments["Amélie Fournier"]
    assert late.parent == amelie and late.tree_id == amelie.tree_id
    # Appended as the last reply, after the replies the tree already had.
    replies = [c.name for c in comments_of("night-trains-return") if c.parent_id == amelie.pk]
    assert replies == ["Jonas Østergaard", "Grumpy", "Late Reply"]
    assert find_tree_problems() == []


def test_a_later_reply_to_a_comment_at_the_cap_attaches_beside_it(newsroom, run, data, tmp_path):
    extra = """<wp:comment><wp:comment_id>250</wp:comment_id>
        <wp:comment_author>Very Late</wp:comment_author>
        <wp:comment_date_gmt>2026-10-09 10:00:00</wp:comment_date_gmt>
        <wp:comment_content>Answering the eighth reply.</wp:comment_content>
        <wp:comment_approved>1</wp:comment_approved>
        <wp:comment_parent>208</wp:comment_parent></wp:comment>"""
    text = (data / "newsroom.wxr.xml").read_text()
    text = text.replace(
        "\t</item>\n\n\t<item>\n\t\t<title><![CDATA[Timetable changes",
        (extra + "\t</item>\n\n\t<item>\n\t\t<title><![CDATA[Timetable changes"),
        1,
    )
    path = tmp_path / "later.xml"
    path.write_text(text)
    summary = run("import_wordpress", str(path))
    assert "comments:   created 1 (approved 1); unchanged 19" in summary
    chain = by_name("timetables")
    late, eighth = chain["Very Late"], chain["Reader 8 😀"]
    assert late.parent == eighth.parent and late.in_reply_to == eighth
    assert late.level == 7 and late.tree_id == eighth.tree_id
    assert find_tree_problems() == []


def test_a_dry_run_reports_the_same_summary_and_writes_nothing(run, data):
    summary = run("import_wordpress", str(data / "newsroom.wxr.xml"), dry_run=True)
    assert "posts:      created 7" in summary
    assert "Dry run: nothing was written." in summary
    assert Post.objects.count() == 0
    assert Comment.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert SourceRecord.objects.count() == 0


def test_wxr_1_1_from_the_classic_editor(run, data):
    summary = run("import_wordpress", str(data / "classic.wxr-1.1.xml"))
    assert "WXR 1.1" in summary
    post = Post.objects.get(slug="hello-world")
    assert post.status == Post.Status.PUBLISHED
    assert [c.name for c in comments_of("hello-world")] == ["Mr WordPress", "Reply Guy"]
    assert find_tree_problems() == []


def test_tags_with_no_ascii_letters_get_slugs_of_their_own():
    from blog.models import Tag
    from imports.mapping import Terms
    from imports.summary import Summary

    tags = Terms("wordpress", "site", Summary("test"), Tag)
    japan, china = tags.get("%e6%97%a5%e6%9c%ac", "日本"), tags.get("%e4%b8%ad%e5%9b%bd", "中国")
    assert japan != china
    assert japan.name == "日本" and japan.slug.startswith("tag-")


def test_readers_see_the_imported_discussion_on_the_post_page(newsroom, client):
    post = Post.objects.get(slug="night-trains-return")
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Amélie Fournier", "Jonas Østergaard", "Ed Itor", "Orphan"):
        assert name in html
    for hidden in ("Cheap Pills", "Grumpy", "Waiting Reader", "stolen cookies", "alert("):
        assert hidden not in html


def test_visitors_cannot_read_private_or_scheduled_imports(newsroom, client):
    for slug in ("board-minutes", "subscribers-only", "timetable-changes"):
        assert client.get(Post.objects.get(slug=slug).get_absolute_url()).status_code == 404


def test_staff_can_read_where_imported_rows_came_from_in_admin(newsroom, admin_client):
    from django.urls import reverse

    changelist = reverse("admin:imports_sourcerecord_changelist")
    page = admin_client.get(changelist, {"kind": "post"})
    assert page.status_code == 200
    assert "Night trains return to the valley" in page.content.decode()
    assert admin_client.get(changelist, {"kind": "comment"}).status_code == 200
