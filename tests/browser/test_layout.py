"""Very long words (compound nouns, pasted addresses) wrap instead of widening the page."""

import pytest

LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"

# How far the page can be scrolled sideways, in CSS pixels (0 when nothing sticks out).
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def long_headlines(db):
    from tests.factories import PostFactory

    older = PostFactory(title=f"The {LONG_WORD} question", slug="older")
    newest = PostFactory(title=f"{LONG_WORD} and more", slug="newest")
    return newest, older


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
@pytest.mark.parametrize("path", ["/", "/posts/older/"])
def test_a_headline_with_a_very_long_word_does_not_widen_the_page(
    new_context, long_headlines, viewport, path
):
    page = new_context(viewport=viewport).new_page()
    page.goto(path)
    assert page.evaluate(OVERFLOW) == 0


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_the_report_page_wraps_a_very_long_name_and_headline(
    new_context, long_headlines, add_comment, viewport
):
    newest, _ = long_headlines
    comment = add_comment(post=newest, name="N" * 80, body="A comment to report.")
    page = new_context(viewport=viewport).new_page()
    page.goto(f"/moderation/comments/{comment.pk}/report/")
    assert page.get_by_role("heading", level=1, name="Report a comment").is_visible()
    assert page.evaluate(OVERFLOW) == 0


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_a_very_long_commenter_name_wraps_in_the_discussion(
    new_context, long_headlines, add_comment, viewport
):
    newest, _ = long_headlines
    root = add_comment(post=newest, name="N" * 80, body="A comment.")
    add_comment(parent=root, name=LONG_WORD, body="A reply.")
    page = new_context(viewport=viewport).new_page()
    page.goto(newest.get_absolute_url())
    assert page.locator(f"#comment-{root.pk}").is_visible()
    assert page.evaluate(OVERFLOW) == 0
