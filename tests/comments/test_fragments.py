"""Each comment's HTML is drawn once and stored; a page joins the stored pieces."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from comments.drawing import fragment_version
from comments.models import Comment, Fragment
from comments.pages import load_page
from comments.posting import change_text, redraw_stale
from tests.factories import historical_post, migrate_to, submit_comment

pytestmark = pytest.mark.django_db


def _post(post, parent=None, name="Ana", body="Hello"):
    return submit_comment(post, parent=parent, name=name, body=body)


def test_posting_stores_the_comments_html(post):
    comment = _post(post, body="Stored *once*")
    stored = Fragment.objects.get(comment=comment)
    assert stored.version == fragment_version()
    assert stored.html.startswith(f'<article id="comment-{comment.pk}"')
    assert "<em>once</em>" in stored.html


def test_stored_and_freshly_drawn_pages_are_identical(post):
    root = _post(post, name="Root")
    reply = _post(post, parent=root, name="Reply")
    _post(post, parent=reply, name="Deeper")
    stored = load_page(post, staff=True).html
    Fragment.objects.update(version="stale", html="")
    assert load_page(post, staff=True).html == stored
    Fragment.objects.all().delete()  # none stored (rows written by hand, say)
    assert load_page(post, staff=True).html == stored


def test_stale_pieces_are_drawn_at_read_time_with_one_more_query(post, django_assert_num_queries):
    _post(post)
    Fragment.objects.update(html="<p>old template</p>", version="old")
    with django_assert_num_queries(3):
        html = load_page(post).html
    assert "old template" not in html and "Hello" in html


def test_editing_a_comment_redraws_its_html(post):
    from django.utils import timezone

    comment = _post(post, body="Before")
    change_text(comment, "After", edited_at=timezone.now())
    stored = Fragment.objects.get(comment=comment).html
    assert "After" in stored and "Before" not in stored
    assert 'class="comment-edited">edited</span>' in stored


def test_a_removed_parents_name_is_not_shown_in_its_replies(client, post):
    parent = _post(post, name="Rude Name")
    reply = _post(post, parent=parent, name="Kind")
    assert "Rude Name" in Fragment.objects.get(comment=reply).html  # the stored cue
    Comment.objects.filter(pk=parent.pk).update(status="removed")
    page = client.get(post.get_absolute_url()).text
    assert "Rude Name" not in page
    assert "in reply to <a" in page and "a hidden comment</a>" in page


def test_redraw_comments_brings_stale_comments_up_to_date(post, capsys):
    _post(post)
    _post(post)
    _post(post)
    Fragment.objects.update(version="old")
    Fragment.objects.filter(pk=Fragment.objects.first().pk).delete()  # none stored at all
    call_command("redraw_comments")
    assert "3 comment(s) redrawn." in capsys.readouterr().out
    assert set(Fragment.objects.values_list("version", flat=True)) == {fragment_version()}
    assert Fragment.objects.count() == 3
    assert redraw_stale() == 0


def test_deleting_a_comment_deletes_its_stored_html(post):
    from comments.posting import delete_comment

    root = _post(post)
    _post(post, parent=root)
    assert Fragment.objects.count() == 2
    delete_comment(root)
    assert not Fragment.objects.exists()


def test_a_settings_change_that_alters_the_html_changes_the_version():
    before = fragment_version()
    with override_settings(COMMENTS_GRAVATAR=True):
        assert fragment_version() != before
    with override_settings(TIME_ZONE="Europe/Paris"):
        assert fragment_version() != before


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_stored_html_to_its_table_and_back():
    before = [("comments", "0012_page_index_with_level")]
    after = [("comments", "0013_fragment_table")]
    old = migrate_to(before)
    post = historical_post(old)
    OldComment = old.get_model("comments", "Comment")
    tree = {"lft": 1, "rght": 2, "level": 0}
    drawn = OldComment.objects.create(
        post=post, body="x", html="<article>Ø 😀</article>", html_version="v1", tree_id=1, **tree
    )
    undrawn = OldComment.objects.create(post=post, body="y", tree_id=2, **tree)

    moved = (
        migrate_to(after)
        .get_model("comments", "Fragment")
        .objects.values_list("comment_id", "html", "version")
    )
    assert list(moved) == [(drawn.pk, "<article>Ø 😀</article>", "v1")]

    back = migrate_to(before).get_model("comments", "Comment")
    assert back.objects.get(pk=drawn.pk).html == "<article>Ø 😀</article>"
    assert (back.objects.get(pk=undrawn.pk).html, back.objects.get(pk=undrawn.pk).html_version) == (
        "",
        "",
    )
    migrate_to()


def test_on_sqlite_the_stored_html_is_found_by_rowid(post):
    """The walk joins each comment's stored HTML by key: on SQLite that key is the table's
    rowid (models.RowidKey), one B-tree search per comment and no index to write."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's rowid")
    _post(post)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
            [Fragment._meta.db_table],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT f.html FROM comments_comment c "
            "LEFT JOIN comments_fragment f ON f.comment_id = c.id WHERE c.post_id = %s",
            [post.pk],
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "SEARCH f USING INTEGER PRIMARY KEY" in plan, plan


def test_a_change_to_the_formatting_rules_changes_the_version(tmp_path, monkeypatch):
    """The body's HTML is stored nowhere but in the fragment: new formatting rules must make
    every fragment stale, as a new template does."""
    from pathlib import Path

    from comments import drawing, formatting

    template = drawing._template().filename
    rules = tmp_path / "formatting.py"
    rules.write_bytes(Path(formatting.__file__).read_bytes())
    settings_part = ("g", "tz", (), "avatar")
    version = drawing._fragment_version.__wrapped__  # (cached per process: a deploy restarts)
    before = version((template, str(rules)), *settings_part)
    rules.write_bytes(rules.read_bytes() + b"\n# a new rule\n")
    assert version((template, str(rules)), *settings_part) != before
    hashed = []
    monkeypatch.setattr(drawing, "_fragment_version", lambda paths, *_: hashed.append(paths))
    drawing.fragment_version()
    assert hashed == [(template, formatting.__file__)]
