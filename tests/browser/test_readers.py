"""What readers see in a real browser: video facades, structured data under the CSP."""

import json

from tests.factories import PostFactory

VIDEO_BODY = "The ferry runs again.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nMore text."


def test_a_video_loads_nothing_from_the_provider_until_the_reader_clicks(page, live_server):
    post = PostFactory(body=VIDEO_BODY)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    # The player cannot be reached from the test machine; answer for it.
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(body="player"))
    page.goto(post.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert page.locator("iframe").count() == 0
    link = page.get_by_role("link", name="Play the video from YouTube")
    link.focus()
    page.keyboard.press("Enter")  # keyboard works as well as a click
    frame = page.locator("figure.video-facade iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    )
    assert frame.get_attribute("title") == "YouTube video"
    assert "autoplay" in frame.get_attribute("allow")
    assert any(url.startswith("https://www.youtube-nocookie.com/embed/") for url in requested)


def test_without_javascript_the_facade_is_a_link_to_the_video(new_context):
    post = PostFactory(body=VIDEO_BODY)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(post.get_absolute_url())
    link = page.get_by_role("link", name="Play the video from YouTube")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_json_ld_is_read_by_the_browser_without_a_csp_violation(page, discussion):
    """The new_context fixture fails the test on any CSP violation or script error."""
    page.goto(discussion["post"].get_absolute_url())
    page.wait_for_load_state("networkidle")
    text = page.locator('script[type="application/ld+json"]').text_content()
    assert json.loads(text)["@type"] == "BlogPosting"


def test_the_site_icon_is_served(page):
    response = page.goto("/favicon.ico")
    assert response.ok and response.headers["content-type"] in {
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }


def test_the_dark_theme_follows_the_system_and_passes_axe(new_context, axe, discussion):
    for scheme in ("light", "dark"):
        page = new_context(color_scheme=scheme).new_page()
        for url in ("/", discussion["post"].get_absolute_url(), "/search/?q=comment"):
            page.goto(url)
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (background == "rgb(20, 20, 20)") == (scheme == "dark"), (scheme, background)
            axe(page)


def test_the_toggle_is_remembered_and_wins_over_the_system(new_context, axe, discussion):
    page = new_context(color_scheme="light").new_page()
    page.goto("/")
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.goto(discussion["post"].get_absolute_url())
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 20, 20)"
    axe(page)
    page.get_by_role("button", name="Dark theme").click()
    page.reload()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(20, 20, 20)"


def test_without_javascript_the_system_theme_applies_and_no_toggle_shows(new_context):
    page = new_context(color_scheme="dark", java_script_enabled=False).new_page()
    page.goto("/")
    assert not page.get_by_role("button", name="Dark theme").is_visible()
    color = page.locator("body").evaluate("el => getComputedStyle(el).backgroundColor")
    assert color == "rgb(20, 20, 20)"


def test_a_like_updates_the_count_in_place_with_javascript(page, discussion):
    page.goto(discussion["post"].get_absolute_url())
    comment = page.locator(f"#comment-{discussion['child'].pk}")
    count = comment.locator("[data-like-count]").first
    assert count.inner_text() == "0 likes"
    comment.locator(".comment-like-button").first.click()
    page.wait_for_function(
        "el => el.textContent === '1 like'", arg=count.element_handle(), timeout=5000
    )
    assert page.url.endswith(discussion["post"].get_absolute_url())


def test_a_like_works_without_javascript(new_context, discussion):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(discussion["post"].get_absolute_url())
    target = discussion["child"]
    page.locator(f"#comment-{target.pk} .comment-like-button").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#comment-{target.pk}")
    count = page.locator(f"#comment-{target.pk} [data-like-count]").first
    assert count.inner_text() == "1 like"
