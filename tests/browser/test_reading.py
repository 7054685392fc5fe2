"""A reader opens the home page, then a post, and reads a three-level discussion."""

import pytest

# The left edge of a comment's own text (not its replies' text), in CSS pixels.
OWN_TEXT_LEFT = """el => {
    const own = [...el.querySelectorAll('[itemprop=text]')].find(
        t => t.closest('[itemtype="https://schema.org/Comment"]') === el);
    return (own || el).getBoundingClientRect().left;
}"""

# Whether a reply has a visible thread line: a left border on the reply or on a box between
# it and its parent comment.
HAS_THREAD_LINE = """el => {
    const parent = el.parentElement.closest('[itemtype="https://schema.org/Comment"]');
    const lined = node => {
        const style = getComputedStyle(node);
        return parseFloat(style.borderLeftWidth) > 0 && style.borderLeftStyle !== 'none';
    };
    for (let node = el; node && node !== parent; node = node.parentElement) {
        if (lined(node)) return true;
    }
    return false;
}"""


def comment(page, pk):
    return page.locator(f"#comment-{pk}")


def test_reader_goes_from_home_to_a_post_and_reads_the_discussion(page, discussion):
    post, root, child, grandchild = (discussion[k] for k in ("post", "root", "child", "grandchild"))
    page.goto("/")
    page.get_by_role("link", name=post.title).first.click()
    page.wait_for_url(f"**{post.get_absolute_url()}")
    assert page.get_by_role("heading", level=1, name=post.title).is_visible()

    # Each reply is nested inside its parent's element and marked as its comment.
    nested = comment(page, root.pk).locator(f"#comment-{child.pk}")
    assert nested.get_attribute("itemprop") == "comment"
    assert nested.locator(f"#comment-{grandchild.pk}").get_attribute("itemprop") == "comment"
    for item in (root, child, grandchild):
        element = comment(page, item.pk)
        assert element.get_attribute("itemtype") == "https://schema.org/Comment"
        assert element.locator("[itemprop=author]").first.inner_text().strip().startswith(item.name)
        assert element.locator("[itemprop=text]").first.is_visible()
    assert "“Curly quotes” and an emoji 🙂" in comment(page, grandchild.pk).inner_text()
    # The email address is never shown.
    assert "ada@example.com" not in page.content()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_indentation_grows_with_depth_and_replies_carry_a_thread_line(
    new_context, discussion, viewport
):
    page = new_context(viewport=viewport).new_page()
    window = page.viewport_size["width"]
    page.goto(discussion["post"].get_absolute_url())
    lefts = [
        comment(page, discussion[key].pk).evaluate(OWN_TEXT_LEFT)
        for key in ("root", "child", "grandchild")
    ]
    assert lefts[0] < lefts[1] < lefts[2], f"text left edges by depth: {lefts}"
    # Visibly: at least a few pixels per level, even on a phone.
    assert min(lefts[1] - lefts[0], lefts[2] - lefts[1]) >= 8, lefts
    for key in ("child", "grandchild"):
        assert comment(page, discussion[key].pk).evaluate(HAS_THREAD_LINE), f"{key}: no line"
    # A sibling thread starts back at the left edge.
    assert comment(page, discussion["other_root"].pk).evaluate(OWN_TEXT_LEFT) == lefts[0]
    # Nothing overflows sideways, and the deepest comment still has room to be read.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= window, f"page is {width}px wide in a {window}px window"
    widths = [
        comment(page, discussion[key].pk)
        .locator("[itemprop=text]")
        .first.evaluate("el => el.getBoundingClientRect().width")
        for key in ("root", "grandchild")
    ]
    assert widths[1] >= widths[0] * 0.7, f"deepest text is {widths[1]}px wide, root {widths[0]}px"
