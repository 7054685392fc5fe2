"""Who may do what: the Moderators group, other staff and visitors."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from blog.models import Post
from comments.models import Comment
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:comments_comment_changelist")


def test_the_moderators_group_has_exactly_the_moderation_permissions():
    perms = Group.objects.get(name="Moderators").permissions.select_related("content_type")
    assert sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms) == [
        "comments.change_comment",
        "comments.view_comment",
        "moderation.add_ban",
        "moderation.add_blockedterm",
        "moderation.change_ban",
        "moderation.change_blockedterm",
        "moderation.delete_ban",
        "moderation.delete_blockedterm",
        "moderation.view_ban",
        "moderation.view_blockedterm",
        "moderation.view_moderationevent",
        "moderation.view_moderationsettings",
        "moderation.view_report",
    ]


def test_a_moderator_can_moderate(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory(status=Comment.Status.PENDING)
    assert client.get(CHANGELIST).status_code == 200
    response = client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_a_moderator_cannot_edit_posts_or_users(client):
    moderator = ModeratorFactory()
    client.force_login(moderator)
    post = PostFactory(title="Original")
    assert not moderator.has_perm("blog.change_post")
    assert not moderator.has_perm("blog.add_post")
    assert not moderator.has_perm("auth.change_user")
    for url in [
        reverse("admin:blog_post_change", args=[post.pk]),
        reverse("admin:blog_post_add"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[moderator.pk]),
        reverse("admin:auth_group_changelist"),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), {"title": "New"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "Original"
    assert Post.objects.count() == 1


def test_a_moderator_cannot_change_the_policy_settings(client):
    client.force_login(ModeratorFactory())
    url = reverse("admin:moderation_moderationsettings_change", args=[1])
    client.get(reverse("admin:moderation_moderationsettings_changelist"))
    response = client.post(url, {"max_links": 99})
    assert response.status_code == 403


def test_a_moderator_can_ban_from_the_queue(client):
    client.force_login(ModeratorFactory())
    comment = CommentFactory(email="troll@example.com")
    client.post(
        CHANGELIST + "?status=all", {"action": "ban_email", "_selected_action": [comment.pk]}
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_staff_without_the_ban_permission_get_no_ban_actions(client):
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    client.force_login(user)
    page = client.get(CHANGELIST).content.decode()
    assert 'value="approve"' in page
    assert 'value="ban_email"' not in page


@pytest.mark.parametrize(
    "url",
    [
        CHANGELIST,
        reverse("admin:index"),
        reverse("admin:moderation_ban_changelist"),
        reverse("admin:moderation_moderationevent_changelist"),
    ],
)
def test_visitors_and_signed_in_readers_get_nothing_from_admin_urls(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response.url
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response.url


def test_visitors_cannot_run_moderation_actions(client):
    comment = CommentFactory(status=Comment.Status.PENDING)
    client.force_login(UserFactory())
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "name",
    [
        "admin:moderation_ban_changelist",
        "admin:moderation_ban_add",
        "admin:moderation_blockedterm_changelist",
        "admin:moderation_blockedterm_add",
        "admin:moderation_report_changelist",
        "admin:moderation_moderationevent_changelist",
    ],
)
def test_a_moderator_can_open_every_moderation_page(client, name):
    from tests.factories import BanFactory, ReportFactory

    BanFactory()
    ReportFactory()
    client.force_login(ModeratorFactory())
    assert client.get(reverse(name)).status_code == 200


def test_a_moderator_adds_a_blocklist_entry_in_admin(client):
    from moderation.models import BlockedTerm

    client.force_login(ModeratorFactory())
    response = client.post(
        reverse("admin:moderation_blockedterm_add"),
        {"phrase": "buy followers", "action": "spam", "note": "Seen in spam runs."},
    )
    assert response.status_code == 302
    assert BlockedTerm.objects.get().action == "spam"


def test_a_ban_needs_an_email_or_an_ip_address(client):
    from moderation.models import Ban

    moderator = ModeratorFactory()
    client.force_login(moderator)
    response = client.post(reverse("admin:moderation_ban_add"), {"reason": "no target"})
    assert response.status_code == 200
    assert "A ban needs an e-mail address or an IP address." in response.content.decode()
    response = client.post(
        reverse("admin:moderation_ban_add"), {"ip_address": "192.0.2.9", "reason": "flood"}
    )
    assert response.status_code == 302
    assert Ban.objects.get().created_by == moderator


def test_the_log_and_reports_cannot_be_edited_even_by_a_superuser(admin_client):
    from tests.factories import ReportFactory

    report = ReportFactory()
    url = reverse("admin:moderation_report_change", args=[report.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="_save"' not in page
    assert admin_client.post(url, {"reason": "spam"}).status_code == 403
