"""axe-core finds no serious or critical accessibility problems on the pages people use most.

Each page is also photographed (test-artifacts/screenshots/; UPDATE_SCREENSHOTS=1 refreshes
the README's copies in docs/screenshots/).
"""

from django.urls import reverse

from tests.factories import PostFactory


def test_home_page_has_no_serious_accessibility_violations(page, axe, screenshot, discussion):
    PostFactory(title="A second story for the front page")
    page.goto("/")
    axe(page)
    screenshot(page, "home")


def test_a_post_with_a_discussion_has_no_serious_accessibility_violations(
    new_context, axe, screenshot, discussion, add_comment
):
    add_comment(
        parent=discussion["grandchild"], name="Ida", body="Three levels deep, and a fourth."
    )
    for viewport in ("desktop", "mobile"):
        page = new_context(viewport=viewport).new_page()
        page.goto(discussion["post"].get_absolute_url())
        axe(page)
        screenshot(page, f"post-discussion-{viewport}")


def test_the_moderation_queue_has_no_serious_accessibility_violations(
    new_context, axe, screenshot, discussion, moderator, log_in, add_comment
):
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    pending = [
        ("Newcomer", None, "First time here. Thanks for the clear write-up!"),
        ("Link dropper", None, "Great post, see https://spam.example/ and https://x.example/"),
        ("Second thoughts", discussion["child"], "I disagree with Grace, and here is why."),
    ]
    for name, parent, body in pending:
        add_comment(post=discussion["post"], parent=parent, name=name, body=body, status="pending")
    log_in(page, moderator)
    page.goto(reverse("admin:comments_comment_changelist"))
    assert page.locator("#result_list").is_visible()
    # Django's own admin search bar labels its input with a magnifier image (alt="Search"):
    # the input has an accessible name, but axe's best-practice rule wants visible label text.
    # That markup is Django's (admin/search_form.html), not ours; every other rule applies.
    axe(page, disable=["label-title-only"])
    screenshot(page, "moderation-queue", full_page=False)
