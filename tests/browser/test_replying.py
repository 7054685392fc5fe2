"""Readers reply at any depth: without JavaScript, with it, and with the keyboard only."""

import re

import pytest

from comments.models import Comment
from tests.factories import PostFactory, commenter_token

NEW_COMMENT_URL = re.compile(r"#comment-(\d+)$")


def reply_link(page, comment):
    return page.locator(f'a.comment-reply[href*="replyto={comment.pk}#"]')


def fill_form(page, **values):
    form = page.locator("#respond")
    for name, value in values.items():
        form.locator(f'[name="{name}"]').fill(value)
    return form


def submit(page):
    with page.expect_navigation():
        page.locator("#respond").locator("button[type=submit], input[type=submit]").first.click()


def new_comment_pk(page):
    match = NEW_COMMENT_URL.search(page.url)
    assert match, f"expected to land on a comment anchor, got {page.url}"
    return int(match.group(1))


def parent_comment_id(locator):
    """The id of the comment element that contains this element, e.g. "comment-12"."""
    return locator.evaluate(
        "el => el.parentElement.closest('[itemtype=\"https://schema.org/Comment\"]')?.id || null"
    )


def test_without_javascript_a_known_commenter_replies_at_depth_2_and_appears_at_once(
    new_context, discussion, moderation_policy, live_server
):
    target = discussion["grandchild"]
    context = new_context(java_script_enabled=False)
    # Ada commented from this browser before, so it carries her commenter token.
    name, value = commenter_token("ada@example.com")
    context.add_cookies([{"name": name, "value": value, "url": live_server.url}])
    page = context.new_page()
    page.goto(discussion["post"].get_absolute_url())
    reply_link(page, target).click()

    assert f"replyto={target.pk}" in page.url
    form = page.locator("#respond")
    assert form.locator('[name="parent"]').input_value() == str(target.pk)
    assert re.search(r"replying to\s+Émilie du Châtelet", form.inner_text(), re.IGNORECASE)

    fill_form(page, name="Ada Lovelace", email="ada@example.com", body="Thank you, Émilie.")
    submit(page)

    pk = new_comment_pk(page)
    reply = Comment.objects.get(pk=pk)
    assert (reply.parent_id, reply.status) == (target.pk, Comment.Status.APPROVED)
    element = page.locator(f"#comment-{pk}")
    assert parent_comment_id(element) == f"comment-{target.pk}"
    assert element.get_attribute("itemprop") == "comment"
    assert "Thank you, Émilie." in element.inner_text()
    assert "awaiting moderation" not in element.inner_text().lower()

    other_reader = new_context().new_page()
    other_reader.goto(discussion["post"].get_absolute_url())
    assert other_reader.locator(f"#comment-{target.pk} #comment-{pk}").is_visible()


def test_without_javascript_a_first_time_reply_awaits_moderation_and_only_its_poster_sees_it(
    new_context, discussion, human_pace
):
    """Also proves the real 'posted too fast' rule lets a person at a normal pace through."""
    target = discussion["grandchild"]
    page = new_context(java_script_enabled=False).new_page()
    page.goto(discussion["post"].get_absolute_url())
    reply_link(page, target).click()
    fill_form(
        page,
        name="Newcomer",
        email="newcomer@example.com",
        url="https://newcomer.example.org/",
        body="My very first comment here.",
    )
    human_pace(page)
    submit(page)

    pk = new_comment_pk(page)
    reply = Comment.objects.get(pk=pk)
    assert (reply.parent_id, reply.status) == (target.pk, Comment.Status.PENDING)
    element = page.locator(f"#comment-{pk}")
    assert parent_comment_id(element) == f"comment-{target.pk}"
    assert "Your comment is awaiting moderation" in element.inner_text()
    assert "My very first comment here." in element.inner_text()

    stranger = new_context().new_page()
    stranger.goto(discussion["post"].get_absolute_url())
    assert stranger.locator(f"#comment-{target.pk}").is_visible()
    assert stranger.locator(f"#comment-{pk}").count() == 0
    assert "My very first comment here." not in stranger.content()


def test_with_javascript_the_form_opens_under_the_comment_and_lands_on_the_new_reply(
    page, discussion, moderation_policy
):
    target = discussion["child"]
    page.goto(discussion["post"].get_absolute_url())
    url_before = page.url
    reply_link(page, target).click()

    respond = page.locator("#respond")
    assert parent_comment_id(respond) == f"comment-{target.pk}", "form did not move inline"
    assert page.url.split("#")[0] == url_before.split("#")[0], "JS should not reload the page"
    assert page.evaluate("!!document.activeElement.closest('#respond')"), "focus not in form"
    assert respond.locator('[name="parent"]').input_value() == str(target.pk)
    # The form sits between the comment and its existing replies' end: below its own text.
    text_box = page.locator(f"#comment-{target.pk} [itemprop=text]").first.bounding_box()
    assert respond.bounding_box()["y"] > text_box["y"]

    fill_form(page, name="Grace Hopper", email="grace@example.com", body="Inline reply.")
    submit(page)
    pk = new_comment_pk(page)
    element = page.locator(f"#comment-{pk}")
    assert parent_comment_id(element) == f"comment-{target.pk}"
    assert Comment.objects.get(pk=pk).parent_id == target.pk
    # Landed on the anchor: the new comment is on screen.
    box = element.bounding_box()
    assert -2 <= box["y"] < page.viewport_size["height"], f"new comment at y={box['y']}"


def test_with_javascript_cancel_puts_the_form_back(page, discussion, moderation_policy):
    page.goto(discussion["post"].get_absolute_url())
    respond = page.locator("#respond")
    home_position = respond.evaluate("el => [el.parentElement.tagName, el.parentElement.id]")
    assert parent_comment_id(respond) is None

    reply_link(page, discussion["grandchild"]).click()
    assert parent_comment_id(respond) == f"comment-{discussion['grandchild'].pk}"
    respond.get_by_role("link", name=re.compile("cancel", re.I)).or_(
        respond.get_by_role("button", name=re.compile("cancel", re.I))
    ).first.click()

    assert parent_comment_id(respond) is None
    assert respond.evaluate("el => [el.parentElement.tagName, el.parentElement.id]") == (
        home_position
    )
    assert respond.locator('[name="parent"]').input_value() == ""
    assert not re.search(r"replying to", respond.inner_text(), re.IGNORECASE)
    assert reply_link(page, discussion["grandchild"]).evaluate(
        "el => el === document.activeElement"
    ), "focus should return to the Reply link that opened the form"

    # Escape inside the inline form cancels too.
    reply_link(page, discussion["child"]).click()
    assert parent_comment_id(respond) == f"comment-{discussion['child'].pk}"
    page.keyboard.press("Escape")
    assert parent_comment_id(respond) is None

    # Replying after a cancel still works, and posts a top-level comment.
    fill_form(page, name="Ada Lovelace", email="ada@example.com", body="A new thread.")
    submit(page)
    pk = new_comment_pk(page)
    assert Comment.objects.get(pk=pk).parent_id is None
    assert parent_comment_id(page.locator(f"#comment-{pk}")) is None


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_an_empty_comment_shows_the_error_next_to_the_field_and_keeps_the_rest(
    new_context, discussion, moderation_policy, axe, javascript
):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(discussion["post"].get_absolute_url())
    reply_link(page, discussion["child"]).click()
    fill_form(
        page,
        name="Kept Name",
        email="kept@example.com",
        url="https://kept.example.org/",
        body="   \n  ",
    )
    submit(page)

    form = page.locator("#respond")
    body = form.locator('[name="body"]')
    assert body.get_attribute("aria-invalid") == "true"
    described_by = (body.get_attribute("aria-describedby") or "").split()
    errors = [page.locator(f"#{id_}") for id_ in described_by]
    error = next((e for e in errors if e.count() and e.inner_text().strip()), None)
    assert error is not None, "the body field does not point at its error (aria-describedby)"
    assert error.is_visible()
    # Next to the field: within a couple of lines of it, not only in a summary at the top.
    field_box, error_box = body.bounding_box(), error.bounding_box()
    gap = min(
        abs(error_box["y"] - (field_box["y"] + field_box["height"])),
        abs(field_box["y"] - (error_box["y"] + error_box["height"])),
    )
    assert gap < 60, f"error is {gap}px away from the field"

    assert form.locator('[name="name"]').input_value() == "Kept Name"
    assert form.locator('[name="email"]').input_value() == "kept@example.com"
    assert form.locator('[name="url"]').input_value() == "https://kept.example.org/"
    assert form.locator('[name="parent"]').input_value() == str(discussion["child"].pk)
    assert Comment.objects.filter(name="Kept Name").count() == 0
    if javascript:
        axe(page, context="#respond")  # the form with its errors stays accessible


def test_a_post_with_comments_closed_shows_the_discussion_but_no_form(new_context, add_comment):
    post = PostFactory(title="Closed for comments", comments_enabled=False)
    comment = add_comment(post=post, name="Early bird", body="Posted before closing.")
    for javascript in (True, False):
        page = new_context(java_script_enabled=javascript).new_page()
        page.goto(post.get_absolute_url())
        assert page.locator(f"#comment-{comment.pk}").is_visible()
        assert page.locator("textarea[name=body]").count() == 0
        assert page.locator("a.comment-reply:visible").count() == 0, "Reply links lead nowhere"
        assert page.get_by_text(re.compile("comments are closed", re.I)).first.is_visible()
        page.goto(f"{post.get_absolute_url()}?replyto={comment.pk}#respond")
        assert page.locator("textarea[name=body]").count() == 0


def test_keyboard_only_a_reader_reaches_reply_writes_and_sends(page, discussion, moderation_policy):
    target = discussion["grandchild"]
    page.goto(discussion["post"].get_absolute_url())
    page.locator("body").focus()

    presses = 0
    while not page.evaluate(
        "(pk) => document.activeElement?.matches(`a.comment-reply[href*='replyto=${pk}#']`)",
        target.pk,
    ):
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 200, "Tab never reached the Reply link"
    page.keyboard.press("Enter")
    assert page.evaluate("!!document.activeElement.closest('#respond')"), "focus not in form"

    values = {"name": "Grace Hopper", "email": "grace@example.com", "body": "Typed, no mouse."}
    filled = set()

    def fill_focused():
        field = page.evaluate("document.activeElement.name || ''")
        if field in values and field not in filled:
            page.keyboard.type(values[field])
            filled.add(field)

    # Go back through the form to its start, filling fields on the way, then forward to Send.
    for _ in range(20):
        if not page.evaluate("!!document.activeElement.closest('#respond')"):
            break
        fill_focused()
        page.keyboard.press("Shift+Tab")
    for _ in range(20):
        page.keyboard.press("Tab")
        fill_focused()
        if filled == set(values) and page.evaluate(
            "document.activeElement.matches('#respond [type=submit]')"
        ):
            break
    else:
        raise AssertionError(f"could not reach Send with the keyboard; filled {filled}")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    pk = new_comment_pk(page)
    assert parent_comment_id(page.locator(f"#comment-{pk}")) == f"comment-{target.pk}"
    assert "Typed, no mouse." in page.locator(f"#comment-{pk}").inner_text()


def test_on_a_phone_the_inline_form_keeps_most_of_the_width_at_depth_2(
    new_context, discussion, moderation_policy
):
    """The reply form under a deep comment is not squeezed into the text column."""
    page = new_context(viewport="mobile").new_page()
    page.goto(discussion["post"].get_absolute_url())
    body = page.locator("#respond [name=body]")
    top_level_width = body.bounding_box()["width"]

    reply_link(page, discussion["grandchild"]).click()
    assert parent_comment_id(page.locator("#respond")) == f"comment-{discussion['grandchild'].pk}"
    inline_width = body.bounding_box()["width"]
    # Only the two thread indents (about 17 px each on a phone) may be taken away.
    assert inline_width >= top_level_width - 40, (inline_width, top_level_width)
