"""The moderation desk in a real browser: a queue that fits the window, row actions with and
without JavaScript, moderation by keyboard, and a whole queue cleared with the keys alone."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.policy import Submission
from comments.posting import draft_comment, post_comment
from moderation import actions
from moderation.models import BlockedTerm, ModerationEvent
from tests.factories import PostFactory, ReportFactory

Status = Comment.Status
CHANGELIST = reverse("admin:comments_comment_changelist")
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"
# Sideways overflow of the whole page and of the queue's table area (0 when all fits).
FITS = """() => {
    const doc = document.documentElement, results = document.querySelector('#changelist .results');
    return {page: doc.scrollWidth - doc.clientWidth,
            results: results.scrollWidth - results.clientWidth,
            right: Math.max(...[...document.querySelectorAll('#result_list thead th')]
                .map(th => th.getBoundingClientRect().right)),
            width: doc.clientWidth};
}"""


def post_through_policy(post, *, name, email, body, ip, parent=None):
    """A comment posted as the site posts one: through the real moderation policy."""
    draft = draft_comment(
        post=post, parent=parent, name=name, email=email, body=body, ip_address=ip
    )
    return post_comment(Submission(comment=draft, elapsed=12.0, from_form=False))


@pytest.fixture
def mixed_queue(moderation_policy, add_comment):
    """A post whose queue holds good comments, abuse, link spam and a few reported ones."""
    for phrase in ("idiot", "moron"):
        BlockedTerm.objects.create(phrase=phrase, action="pending")
    post = PostFactory(title="Night trains return to the timetable", slug="night-trains")
    root = add_comment(post=post, name="Early Reader", body="The first published comment.")

    def make(count, kind, tag=""):
        made = []
        for n in range(count):
            text = {
                "good": f"Thank you for the clear piece on the sleeper timetable ({tag}{n}).",
                "abuse": f"Only an idiot would write this, you moron ({tag}{n}).",
                "spam": f"Cheap deals https://a.example/{tag}{n} https://b.example https://c.ex",
            }[kind]
            made.append(
                post_through_policy(
                    post,
                    name=f"{kind.title()} {n} {LONG_WORD if n == 0 else ''}".strip(),
                    email=f"{kind}{tag}.{n}@example.com",
                    body=text,
                    ip=f"10.{len(kind)}.0.{n + 1}",
                    parent=root if n % 3 == 0 else None,
                )
            )
        return made

    return {"post": post, "root": root, "make": make}


def report_enough(comments):
    """Reader reports that send published comments back to the queue."""
    for comment in comments:
        ReportFactory.create_batch(3, comment=comment, reason="abuse")
        actions.moderate(
            Comment.objects.filter(pk=comment.pk),
            ModerationEvent.Action.REPORTS,
            reason="3 reader reports.",
        )


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_the_queue_fits_the_window_at_1280_and_390_pixels(
    new_context, mixed_queue, moderator, log_in, screenshot, viewport
):
    mixed_queue["make"](4, "good")
    mixed_queue["make"](3, "abuse")
    mixed_queue["make"](3, "spam")
    page = new_context(viewport=viewport).new_page()
    log_in(page, moderator)
    page.goto(CHANGELIST)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 10
    fits = page.evaluate(FITS)
    assert fits["page"] == 0 and fits["results"] == 0, fits
    if viewport == "desktop":
        assert fits["right"] <= fits["width"], "a column is off-screen"
        for header in ["Comment", "Author", "Why", "Status", "Actions"]:
            assert page.locator("#result_list thead th", has_text=header).is_visible()
    else:
        # Each row is a card: the text, the reason and the actions all show.
        card = rows.first
        assert card.evaluate("tr => getComputedStyle(tr).display") == "block"
        for part in [".mod-text", ".field-why li", ".mod-actions button"]:
            box = card.locator(part).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, part
    # The author block stacks name, e-mail and IP address.
    author = rows.first.locator(".mod-author")
    tops = [author.locator(p).bounding_box()["y"] for p in (".mod-name", ".mod-email", ".mod-ip")]
    assert tops == sorted(tops) and len(set(tops)) == 3
    tabs = page.locator(".mod-tabs a")
    assert tabs.all_inner_texts() == ["Pending 10", "Reported 0", "All 11"]
    screenshot(page, f"moderation-desk-{1280 if viewport == 'desktop' else 390}", full_page=False)


def test_a_row_action_without_javascript_returns_to_the_same_place(
    new_context, mixed_queue, moderator, log_in
):
    good = mixed_queue["make"](3, "good")
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, moderator)
    page.goto(CHANGELIST)
    row = page.locator(f"#result_list tbody tr:has(#queue-{good[1].pk})")
    with page.expect_navigation():
        row.get_by_role("button", name="Approve").click()
    assert page.url.endswith(f"#queue-{good[2].pk}")
    assert f"Comment #{good[1].pk} approved." in page.locator(".messagelist").inner_text()
    assert page.locator(f"#queue-{good[1].pk}").count() == 0
    assert page.locator(".mod-tabs a").first.inner_text() == "Pending 2"


def test_a_row_action_with_javascript_updates_the_row_and_counts_in_place(
    page, mixed_queue, moderator, log_in
):
    spam = mixed_queue["make"](2, "spam")
    log_in(page, moderator)
    page.goto(CHANGELIST)
    loads = []
    page.on("load", lambda: loads.append(page.url))
    row = page.locator(f"#result_list tbody tr:has(#queue-{spam[0].pk})")
    row.get_by_role("button", name="Spam").click()
    page.wait_for_function(
        "pk => document.querySelector('#queue-' + pk).closest('tr').dataset.status === 'spam'",
        arg=spam[0].pk,
    )
    assert row.locator(".mod-status").inner_text() == "Spam"
    assert page.locator(".mod-tabs a").first.inner_text() == "Pending 1"
    assert "marked as spam" in page.locator("[data-live]").inner_text()
    assert row.get_by_role("button", name="Spam").count() == 0
    assert loads == [], "the page reloaded"
    spam[0].refresh_from_db()
    assert spam[0].status == Status.SPAM


def test_moderating_by_keyboard(page, mixed_queue, moderator, log_in):
    good = mixed_queue["make"](2, "good")
    abuse = mixed_queue["make"](1, "abuse")
    spam = mixed_queue["make"](1, "spam")
    log_in(page, moderator)
    page.goto(CHANGELIST)
    focused_pk = "() => document.activeElement.querySelector('.mod-comment').id"
    assert page.evaluate(focused_pk) == f"queue-{good[0].pk}", "the first row starts focused"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused row shows no focus"
    page.keyboard.press("j")
    assert page.evaluate(focused_pk) == f"queue-{good[1].pk}"
    page.keyboard.press("k")
    assert page.evaluate(focused_pk) == f"queue-{good[0].pk}"

    # Typing in a field never moderates.
    page.locator("#searchbar").focus()
    page.keyboard.type("a sar")
    page.keyboard.press("Escape")
    assert Comment.objects.filter(status=Status.APPROVED).count() == 1  # only the root

    page.locator(f"#queue-{good[0].pk}").click()
    page.keyboard.press("x")
    assert page.locator(f"tr:has(#queue-{good[0].pk}) input.action-select").is_checked()
    page.keyboard.press("x")
    for key, comment, status in [
        ("a", good[0], Status.APPROVED),
        ("a", good[1], Status.APPROVED),
        ("r", abuse[0], Status.REMOVED),
        ("s", spam[0], Status.SPAM),
    ]:
        assert page.evaluate(focused_pk) == f"queue-{comment.pk}"
        page.keyboard.press(key)
        page.wait_for_function(
            "([pk, status]) => document.querySelector('#queue-' + pk)"
            ".closest('tr').dataset.status === status",
            arg=[comment.pk, status],
        )
    assert page.locator(".mod-tabs a").first.inner_text() == "Pending 0"

    page.keyboard.press("?")
    help_box = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert help_box.is_visible()
    assert "Mark as spam" in help_box.inner_text()
    page.keyboard.press("Escape")
    assert not help_box.is_visible()

    assert page.evaluate(focused_pk) == f"queue-{spam[0].pk}", "focus stays on the last row"
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert page.evaluate(focused_pk) == f"queue-{good[1].pk}"
    page.keyboard.press("h")
    assert (
        page.locator(f"tr:has(#queue-{good[1].pk}) details.mod-history").get_attribute("open")
        is not None
    )
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url.endswith(f"#comment-{good[1].pk}")


def test_a_moderator_clears_a_mixed_queue_of_100_with_the_keyboard_alone(
    page, mixed_queue, moderator, log_in, screenshot, settings
):
    """The issue's "done when": 100 mixed comments, keys only, at most 3 page loads, each row
    showing its reason, thread and author history; two good ones featured on the post."""
    # Both picks on the page the last one opens (the default page holds 10 threads).
    settings.COMMENTS_THREADS_PER_PAGE = 50
    post = mixed_queue["post"]
    mixed_queue["make"](50, "good")
    mixed_queue["make"](22, "abuse")
    mixed_queue["make"](24, "spam")
    reported = [
        post_through_policy(post, name="Regular", email="regular@example.com", body=text, ip=ip)
        for text, ip in [("Fine words.", "10.9.0.1"), ("More words.", "10.9.0.2")]
    ]
    Comment.objects.filter(pk__in=[c.pk for c in reported]).update(status=Status.APPROVED)
    extra = mixed_queue["make"](2, "good", tag="r")
    Comment.objects.filter(pk__in=[c.pk for c in extra]).update(status=Status.APPROVED)
    report_enough([*reported, *extra])
    assert Comment.objects.pending().count() == 100

    # The queue's cost for this very queue, measured with Django's test client.
    client = Client()
    client.force_login(moderator)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as queue_queries:
        assert client.get(CHANGELIST).status_code == 200

    log_in(page, moderator)
    loads = []
    page.on("load", lambda: loads.append(page.url))
    keys = []

    def press(key):
        keys.append(key)
        page.keyboard.press(key)

    page.goto(CHANGELIST)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 100
    featured = []
    seen = page.evaluate("""() => [...document.querySelectorAll('#result_list tbody tr')]
      .map(tr => ({
        id: tr.querySelector('.mod-comment').id,
        text: tr.querySelector('.mod-text').innerText,
        why: tr.querySelector('.field-why').innerText,
        thread: tr.querySelector('.mod-context').innerText,
        history: tr.querySelector('.mod-history-summary').innerText,
    }))""")
    for index, row in enumerate(seen):
        assert (
            page.evaluate("() => document.activeElement.querySelector('.mod-comment').id")
            == row["id"]
        )
        assert row["why"].strip(), f"no reason on {row}"
        assert row["thread"].strip() and row["history"].strip()
        pk = int(row["id"].split("-")[1])
        text = row["text"]
        if "https://" in text:
            key, status = "s", Status.SPAM
        elif "idiot" in text:
            key, status = "r", Status.REMOVED
        else:
            key, status = "a", Status.APPROVED
        press(key)
        page.wait_for_function(
            "([pk, status]) => document.querySelector('#queue-' + pk)"
            ".closest('tr').dataset.status === status",
            arg=[pk, status],
        )
        if key == "a" and index >= len(seen) - 2:
            # The last two good ones are editors' picks: back to the row, feature it, go on
            # (on the last row the focus stays where it is).
            last = index == len(seen) - 1
            if not last:
                press("k")
            press("f")
            page.wait_for_function(
                "pk => document.querySelector('#queue-' + pk).closest('tr')"
                ".querySelector('.mod-featured')",
                arg=pk,
            )
            featured.append(pk)
            if not last:
                press("j")
    assert Comment.objects.pending().count() == 0
    assert page.locator(".mod-tabs a").first.inner_text() == "Pending 0"
    screenshot(page, "moderation-desk-cleared", full_page=False)

    # Open the last featured comment on the site.
    focused = page.evaluate("() => document.activeElement.querySelector('.mod-comment').id")
    assert focused == f"queue-{featured[-1]}"
    with page.expect_navigation():
        press("o")
    page.wait_for_load_state()
    section = page.locator(".comments-featured")
    assert section.get_by_role("heading", name="Featured").is_visible()
    links = section.get_by_role("link", name=re.compile("Read in its thread"))
    assert links.count() == 2
    for pk in featured:
        badge = page.locator(f"#comment-{pk} .comment-featured-badge")
        assert badge.is_visible() and badge.inner_text().lower() == "featured"
    assert len(loads) <= 3, loads
    counts = {
        "page loads": len(loads),
        "key presses": len(keys),
        "queue queries": len(queue_queries.captured_queries),
    }
    print(f"\nDONE-WHEN RUN: {counts}; keys {''.join(keys)}")
    assert counts["key presses"] == 100 + 3 + 1 + 1  # one per comment, k f j, f, o
