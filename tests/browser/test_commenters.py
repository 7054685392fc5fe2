"""Commenters in a real browser: remember me, replies by mail with double opt-in and one-click
unsubscribe, editing a typo (with and without JavaScript), downloading and erasing one's
comments. The task worker runs in this process between steps."""

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from comments.models import Comment
from comments.policy import Submission
from comments.posting import draft_comment, post_comment
from tests.factories import PostFactory

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/notifications/[a-z-]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = live_server.url


def run_worker():
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        queue_name="*",
        verbosity=0,
    )


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def comment_as_guest(page, post, body, *, notify=False, remember=False):
    page.goto(post.get_absolute_url())
    form = page.locator("#respond")
    if not form.locator('[name="name"]').input_value():
        form.locator('[name="name"]').fill("Zoë Marsh")
        form.locator('[name="email"]').fill("zoe@example.com")
    form.locator('[name="body"]').fill(body)
    form.get_by_label("E-mail me replies to my comment").set_checked(notify)
    form.get_by_label("Remember my name, e-mail and website in this browser").set_checked(remember)
    with page.expect_navigation():
        form.get_by_role("button", name="Post comment").click()
    return Comment.objects.latest("pk")


def edit_typo(page, comment, new_text):
    page.locator(".own-comments").get_by_role("link", name="Edit your comment").click()
    page.get_by_role("textbox", name="Comment").fill(new_text)
    with page.expect_navigation():
        page.get_by_role("button", name="Save edit").click()
    article = page.locator(f"#comment-{comment.pk}")
    assert article.locator(".comment-edited").inner_text() == "edited"
    assert new_text in article.inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_remember_me_prefills_the_form_and_a_typo_is_fixed_within_the_window(
    new_context, javascript, screenshot
):
    post = PostFactory(title="Night trains return")
    page = new_context(java_script_enabled=javascript).new_page()
    comment = comment_as_guest(page, post, "Teh trains are back.", remember=True)
    page.goto(post.get_absolute_url())
    form = page.locator("#respond")
    assert form.locator('[name="name"]').input_value() == "Zoë Marsh"
    assert form.locator('[name="email"]').input_value() == "zoe@example.com"
    assert form.get_by_label("Remember my name, e-mail and website in this browser").is_checked()
    if not javascript:
        screenshot(page, "own-comments-box")
    edit_typo(page, comment, "The trains are back.")
    comment.refresh_from_db()
    assert comment.body == "The trains are back." and comment.revisions.count() == 1
    # Another browser gets neither the details nor the edit link.
    stranger = new_context(java_script_enabled=javascript).new_page()
    stranger.goto(post.get_absolute_url())
    assert stranger.locator("#respond [name=name]").input_value() == ""
    assert stranger.locator(".own-comments").count() == 0


def test_a_guest_is_told_of_a_reply_unsubscribes_edits_downloads_and_erases(new_context, axe):
    post = PostFactory(title="Night trains return", author__email="editor@example.com")
    page = new_context().new_page()
    first = comment_as_guest(page, post, "Night trains are great.", notify=True, remember=True)
    run_worker()
    (confirmation,) = mails_to("zoe@example.com")
    page.goto(LINK.search(confirmation.body).group(1))
    axe(page)
    page.get_by_role("button", name="Confirm my address").click()
    assert page.get_by_role("heading", name="Address confirmed").is_visible()

    # Bob replies to Zoë and starts a thread of his own: one mail for Zoë.
    for parent, body in ((first, "Agreed, Zoë."), (None, "A new thread.")):
        draft = draft_comment(
            post=post, parent=parent, name="Bob", email="bob@example.com", body=body
        )
        post_comment(Submission(comment=draft))
    run_worker()
    replies = [m for m in mails_to("zoe@example.com") if "replied" in m.subject]
    assert len(replies) == 1 and "Agreed, Zoë." in replies[0].body
    unsubscribe = replies[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert replies[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = page.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert one_click.status == 200
    draft = draft_comment(post=post, parent=first, name="Bob", email="bob@example.com", body="Hm?")
    post_comment(Submission(comment=draft))
    run_worker()
    assert len([m for m in mails_to("zoe@example.com") if "replied" in m.subject]) == 1

    # A typo in a new comment, fixed within the window.
    typo = comment_as_guest(page, post, "Teh end.", remember=True)
    edit_typo(page, typo, "The end.")

    # Her data: a link by mail, the list, the download, erasure.
    page.goto("/notifications/my-comments/")
    page.get_by_label("The e-mail address you commented with").fill("zoe@example.com")
    page.get_by_role("button", name="Send me the link").click()
    run_worker()
    data_mail = next(m for m in mails_to("zoe@example.com") if m.subject == "Your comments")
    page.goto(LINK.search(data_mail.body).group(1))
    assert page.get_by_role("cell", name="Published").count() == 2
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download them (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [c["text"] for c in exported["comments"]] == ["Night trains are great.", "The end."]
    page.get_by_label("Yes, erase all my comments").check()
    page.get_by_role("button", name="Erase everything").click()
    assert page.get_by_role("heading", name="Your comments are erased").is_visible()
    page.goto(post.get_absolute_url())
    assert page.locator(f"#comment-{first.pk} .comment-placeholder-text").inner_text() == (
        "This comment was deleted by its author"
    )
    assert page.locator(f"#comment-{typo.pk}").count() == 0


def test_the_edit_page_reads_well_on_a_phone(new_context, axe, screenshot):
    post = PostFactory(title="Night trains return")
    page = new_context(viewport="mobile").new_page()
    comment_as_guest(page, post, "Teh trains are back.")
    page.locator(".own-comments").get_by_role("link", name="Edit your comment").click()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "edit-own-comment-mobile")
