"""Admin for posts and site settings: access control, uploads, actions, the preview link."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, SiteSettings
from blog.site import site_context
from tests.factories import CategoryFactory, PostFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_URLS = [
    ("admin:blog_post_changelist", []),
    ("admin:blog_post_add", []),
    ("admin:blog_category_changelist", []),
    ("admin:blog_sitesettings_changelist", []),
]


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize(("name", "args"), ADMIN_URLS)
@pytest.mark.parametrize("logged_in", [False, True])
def test_visitors_and_non_staff_users_are_sent_to_the_admin_login(client, name, args, logged_in):
    if logged_in:
        client.force_login(UserFactory())
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_see_the_post_changelist_with_status_and_links(staff_client):
    live = PostFactory(title="Live story")
    draft = PostFactory(title="Draft story", status="draft", published_at=None)
    response = staff_client.get(reverse("admin:blog_post_changelist"))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    links = {a.text: a["href"] for a in page.select("td.field-view_link a")}
    assert links["View"] == live.get_absolute_url()
    assert links["Preview"] == draft.get_preview_url()


def test_staff_can_search_and_filter_posts(staff_client):
    PostFactory(title="Harbour reopens")
    PostFactory(title="Budget talks", status="draft", published_at=None)
    url = reverse("admin:blog_post_changelist")
    assert "Harbour reopens" in staff_client.get(url, {"q": "harbour"}).text
    drafts = staff_client.get(url, {"status__exact": "draft"}).text
    assert "Budget talks" in drafts and "Harbour reopens" not in drafts


def test_publish_action_publishes_and_reports_the_count(staff_client):
    drafts = PostFactory.create_batch(2, status="draft", published_at=None)
    response = staff_client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish", "_selected_action": [p.pk for p in drafts]},
        follow=True,
    )
    assert Post.objects.published().count() == 2
    assert "2 posts are now public." in [str(m) for m in get_messages(response.wsgi_request)]


def test_unpublish_action_returns_posts_to_draft(staff_client):
    post = PostFactory()
    response = staff_client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "unpublish", "_selected_action": [post.pk]},
        follow=True,
    )
    assert not Post.objects.published().exists()
    assert "1 post is now a draft." in [str(m) for m in get_messages(response.wsgi_request)]


def _post_form_data(**overrides):
    now = timezone.localtime()
    data = {
        "title": "Harbour reopens",
        "slug": "harbour-reopens",
        "standfirst": "Ships are moving.",
        "body": "Text.",
        "source": "",
        "dateline": "",
        "cover_alt": "A ship",
        "status": "published",
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "comments_enabled": "on",
        "moderation_mode": "default",
        "comments_close_at_0": "",
        "comments_close_at_1": "",
    }
    data.update(overrides)
    return data


def test_adding_a_post_with_a_cover_makes_renditions(staff_client, gps_jpeg_upload):
    user = StaffFactory(username="editor")
    category = CategoryFactory()
    data = _post_form_data(author=user.pk, categories=[category.pk], cover_image=gps_jpeg_upload)
    response = staff_client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get(slug="harbour-reopens")
    assert post.cover_width == 1000
    assert len(post.cover_renditions) == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ("bomb_upload", "far too large in pixels"),
        ("not_an_image_upload", "not an image we can read"),
        ("truncated_jpeg_upload", "not an image we can read"),
    ],
)
def test_a_bad_upload_gets_a_clear_form_error_not_a_server_error(
    staff_client, request, upload, message
):
    user = StaffFactory(username="editor")
    data = _post_form_data(author=user.pk, cover_image=request.getfixturevalue(upload))
    response = staff_client.post(reverse("admin:blog_post_add"), data)
    assert response.status_code == 200
    assert message in response.text
    assert not Post.objects.exists()


def test_site_settings_list_goes_straight_to_the_single_row(staff_client):
    response = staff_client.get(reverse("admin:blog_sitesettings_changelist"))
    site = SiteSettings.load()
    assert response["Location"] == reverse("admin:blog_sitesettings_change", args=[site.pk])
    assert staff_client.get(response["Location"]).status_code == 200


def test_saving_site_settings_in_admin_refreshes_the_cached_copy(staff_client):
    site = SiteSettings.load()
    assert site_context()["site"].site_name == "The Threadline"
    response = staff_client.post(
        reverse("admin:blog_sitesettings_change", args=[site.pk]),
        {
            "site_name": "Daily Ledger",
            "tagline": "",
            "about": "",
            "links-TOTAL_FORMS": "1",
            "links-INITIAL_FORMS": "0",
            "links-0-network": "rss",
            "links-0-url": "https://example.com/feed/",
            "links-0-position": "0",
        },
    )
    assert response.status_code == 302
    cached = site_context()
    assert cached["site"].site_name == "Daily Ledger"
    assert [link.url for link in cached["social_links"]] == ["https://example.com/feed/"]


def test_the_change_form_links_a_draft_to_its_preview(staff_client):
    draft = PostFactory(status="draft", published_at=None)
    response = staff_client.get(reverse("admin:blog_post_change", args=[draft.pk]))
    page = BeautifulSoup(response.content, "html.parser")
    view = page.select_one("a.viewsitelink")
    assert view is not None
    assert staff_client.get(view["href"], follow=True).status_code == 200


def test_category_list_counts_public_posts_only(staff_client):
    category = CategoryFactory(name="World")
    PostFactory().categories.add(category)
    PostFactory(status="draft", published_at=None).categories.add(category)
    response = staff_client.get(reverse("admin:blog_category_changelist"))
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("td.field-post_count").text == "1"


def test_adding_a_category_in_admin_updates_the_site_menu(staff_client, client):
    client.get(reverse("blog:home"))  # caches the menu
    response = staff_client.post(
        reverse("admin:blog_category_add"), {"name": "Sport", "slug": "sport", "description": ""}
    )
    assert response.status_code == 302
    page = BeautifulSoup(client.get(reverse("blog:home")).content, "html.parser")
    assert "Sport" in [a.text for a in page.select(".site-nav a")]
