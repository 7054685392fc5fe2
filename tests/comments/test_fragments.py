"""Each comment's HTML is drawn once and stored; a page joins the stored pieces."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from comments.drawing import fragment_version
from comments.models import Comment
from comments.pages import load_page
from comments.posting import change_text, redraw_stale
from tests.factories import submit_comment

pytestmark = pytest.mark.django_db


def _post(post, parent=None, name="Ana", body="Hello"):
    return submit_comment(post, parent=parent, name=name, body=body)


def test_posting_stores_the_comments_html(post):
    comment = _post(post, body="Stored *once*")
    comment.refresh_from_db()
    assert comment.html_version == fragment_version()
    assert comment.html.startswith(f'<article id="comment-{comment.pk}"')
    assert "<em>once</em>" in comment.html


def test_stored_and_freshly_drawn_pages_are_identical(post):
    root = _post(post, name="Root")
    reply = _post(post, parent=root, name="Reply")
    _post(post, parent=reply, name="Deeper")
    stored = load_page(post, staff=True).html
    Comment.objects.update(html_version="stale", html="")
    assert load_page(post, staff=True).html == stored


def test_stale_pieces_are_drawn_at_read_time_with_one_more_query(post, django_assert_num_queries):
    _post(post)
    Comment.objects.update(html="<p>old template</p>", html_version="old")
    with django_assert_num_queries(3):
        html = load_page(post).html
    assert "old template" not in html and "Hello" in html


def test_editing_a_comment_redraws_its_html(post):
    from django.utils import timezone

    comment = _post(post, body="Before")
    change_text(comment, "After", edited_at=timezone.now())
    comment.refresh_from_db()
    assert "After" in comment.html and "Before" not in comment.html
    assert 'class="comment-edited">edited</span>' in comment.html


def test_a_removed_parents_name_is_not_shown_in_its_replies(client, post):
    parent = _post(post, name="Rude Name")
    reply = _post(post, parent=parent, name="Kind")
    assert "Rude Name" in Comment.objects.get(pk=reply.pk).html  # the stored cue
    Comment.objects.filter(pk=parent.pk).update(status="removed")
    page = client.get(post.get_absolute_url()).text
    assert "Rude Name" not in page
    assert "in reply to <a" in page and "a hidden comment</a>" in page


def test_redraw_comments_brings_stale_comments_up_to_date(post, capsys):
    _post(post)
    _post(post)
    Comment.objects.update(html_version="old")
    call_command("redraw_comments")
    assert "2 comment(s) redrawn." in capsys.readouterr().out
    assert set(Comment.objects.values_list("html_version", flat=True)) == {fragment_version()}
    assert redraw_stale() == 0


def test_a_settings_change_that_alters_the_html_changes_the_version():
    before = fragment_version()
    with override_settings(COMMENTS_GRAVATAR=True):
        assert fragment_version() != before
    with override_settings(TIME_ZONE="Europe/Paris"):
        assert fragment_version() != before
