from tests.factories import PostFactory


def test_home_page_opens_in_chromium(page, live_server):
    PostFactory(title="Hello from a real browser")
    page.goto("/")
    assert page.get_by_role("link", name="Hello from a real browser").is_visible()
