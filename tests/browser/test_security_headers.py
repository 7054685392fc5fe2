"""The Content-Security-Policy holds on the reading pages and in Django admin.

Every browser test fails on a CSP violation (tests/browser/conftest.py); these visit the
pages with the most moving parts on purpose: a post with its discussion and cover, the
reply form moved by JavaScript, and the admin's login, lists, forms and widgets.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from blog.images import process_cover
from tests.factories import StaffFactory


def with_cover(post):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 600), "steelblue").save(buffer, format="JPEG")
    post.cover_image = SimpleUploadedFile("cover.jpg", buffer.getvalue(), "image/jpeg")
    post.cover_alt = "A blue rectangle"
    post.save()
    process_cover(post)
    return post


def test_the_post_page_and_a_reply_sent_from_it_run_with_no_csp_violation(
    page, discussion, moderation_policy
):
    post = with_cover(discussion["post"])
    target = discussion["child"]
    response = page.goto(post.get_absolute_url())
    policy = response.header_value("content-security-policy")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "camera=()" in response.header_value("permissions-policy")

    page.locator(f'a.comment-reply[href*="replyto={target.pk}#"]').click()
    respond = page.locator("#respond")
    respond.locator('[name="name"]').fill("Grace Hopper")
    respond.locator('[name="email"]').fill("grace@example.com")
    respond.locator('[name="body"]').fill("A reply under a strict policy.")
    with page.expect_navigation():
        respond.locator("button[type=submit]").first.click()
    assert page.get_by_text("A reply under a strict policy.").is_visible()


def test_django_admin_runs_with_no_csp_violation(page, discussion, log_in):
    admin = StaffFactory(username="chief")
    post = with_cover(discussion["post"])
    comment = discussion["child"]

    page.goto(reverse("admin:login"))
    log_in(page, admin)
    for url in [
        reverse("admin:index"),
        reverse("admin:comments_comment_changelist") + "?status=all",
        reverse("admin:comments_comment_change", args=[comment.pk]),
        reverse("admin:blog_post_changelist"),
        reverse("admin:blog_post_change", args=[post.pk]),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:blog_post_add"),
    ]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("#site-name").is_visible(), url

    # Admin's own scripts on the add form: the date shortcuts, the calendar, the sidebar.
    page.locator("#toggle-nav-sidebar").click()
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    page.locator("#calendarlink0").click()
    page.locator("#calendarbox0").wait_for()


def test_a_script_the_policy_blocks_fails_the_test(page, discussion, csp_violations):
    page.goto(discussion["post"].get_absolute_url())
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.head.append(script);
        }"""
    )
    page.wait_for_function("() => true")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert any("script-src" in line for line in csp_violations), csp_violations
    csp_violations.clear()  # expected here; any other test with one fails
