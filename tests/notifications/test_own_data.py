"""A commenter's own data: a signed link by mail, the list with statuses, JSON, erasure;
staff do the same in admin; old IP addresses and user agents are cleared on schedule."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from notifications.links import make_token
from notifications.models import Address, OutgoingMail, Subscription
from tests.factories import CommentFactory, StaffFactory, stored_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoes(post):
    """Zoë's comments: one with a reply, one held, one alone (with an earlier text)."""
    first = CommentFactory(
        post=post, name="Zoë", email="zoe@example.com", body="First.", stored=True
    )
    reply = CommentFactory(parent=first, name="Bob", body="Answer.", stored=True)
    held = CommentFactory(
        post=post, name="Zoë", email="Zoe@Example.com", body="Held.", status="pending", stored=True
    )
    alone = CommentFactory(
        post=post, name="Zoë", email="zoe@example.com", body="Alone.", stored=True
    )
    alone.revisions.create(body="Alnoe.")
    Subscription.objects.create(comment=first, email="zoe@example.com")
    Address.objects.create(email="zoe@example.com", confirmed_at=timezone.now())
    return {"first": first, "reply": reply, "held": held, "alone": alone}


def data_url(email="zoe@example.com"):
    return f"/notifications/my-comments/{make_token('data', email)}/"


def test_asking_for_the_link_answers_alike_for_known_and_unknown_addresses(
    zoes, work, mailoutbox, links_in, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/notifications/my-comments/", {"email": "zoe@example.com"})
        unknown = client.post("/notifications/my-comments/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    work()
    assert [m.to for m in mailoutbox] == [["zoe@example.com"]]
    (path,) = links_in(mailoutbox[0])
    assert "Alone." in client.get(path).content.decode()


def test_data_links_are_limited_per_address(
    zoes, work, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            client.post("/notifications/my-comments/", {"email": "zoe@example.com"})
    work()
    assert len(mailoutbox) == 3


def test_an_invalid_address_is_a_400_with_a_message(client):
    response = client.post("/notifications/my-comments/", {"email": "not an address"})
    assert response.status_code == 400 and "valid e-mail" in response.content.decode()


def test_the_page_lists_every_comment_with_its_status(zoes, client):
    page = client.get(data_url()).content.decode()
    for text in ("First.", "Held.", "Alone.", "Published", "Awaiting moderation"):
        assert text in page
    assert "Answer." not in page


def test_the_download_is_json_with_every_comment_and_earlier_text(zoes, client):
    response = client.get(f"{data_url()}export.json")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [c["text"] for c in data["comments"]] == ["First.", "Held.", "Alone."]
    assert data["comments"][2]["earlier_texts"] == ["Alnoe."]
    assert data["comments"][1]["status"] == "Awaiting moderation"


def test_erasing_keeps_replies_under_placeholders_and_forgets_the_address(zoes, client):
    assert client.post(data_url(), {}).status_code == 302  # not confirmed: nothing happens
    assert Comment.objects.filter(email__iexact="zoe@example.com").count() == 3
    response = client.post(data_url(), {"confirm": "yes"})
    assert response.status_code == 200
    assert "2 comment(s) deleted, 1 left" in response.content.decode()
    first = Comment.objects.get(pk=zoes["first"].pk)
    assert first.status == Comment.Status.DELETED
    assert (first.name, first.email, first.body, first.ip_address) == ("", "", "", None)
    assert Comment.objects.filter(pk=zoes["reply"].pk).exists()
    assert not Comment.objects.filter(pk__in=[zoes["held"].pk, zoes["alone"].pk]).exists()
    assert not Address.objects.exists() and not Subscription.objects.exists()
    assert not OutgoingMail.objects.filter(to_email="zoe@example.com").exists()
    assert "First." not in client.get(zoes["first"].post.get_absolute_url()).content.decode()


def test_a_forged_or_expired_data_link_shows_nothing(zoes, client):
    response = client.get(data_url()[:-5] + "XXXX/")
    assert response.status_code == 400 and "First." not in response.content.decode()
    assert client.post(data_url()[:-5] + "XXXX/", {"confirm": "yes"}).status_code == 400
    assert Comment.objects.filter(email__iexact="zoe@example.com").count() == 3


def test_staff_export_and_erase_an_address_in_admin(zoes):
    staff = Client()
    staff.force_login(StaffFactory())
    address = Address.objects.get()
    listing = staff.get("/admin/notifications/address/").content.decode()
    assert "zoe@example.com" in listing
    export = staff.post(
        "/admin/notifications/address/",
        {"action": "export_comments", "_selected_action": [address.pk]},
    )
    assert [c["text"] for c in json.loads(export.content)[0]["comments"]] == [
        "First.",
        "Held.",
        "Alone.",
    ]
    staff.post(
        "/admin/notifications/address/",
        {"action": "erase_comments", "_selected_action": [address.pk]},
    )
    assert not Comment.objects.filter(email__iexact="zoe@example.com").exists()
    assert Comment.objects.filter(pk=zoes["first"].pk, status="deleted").exists()


def test_ip_addresses_and_user_agents_are_cleared_after_the_set_days(post, settings):
    settings.COMMENTS_KEEP_SENDER_DAYS = 90
    old = CommentFactory(post=post, ip_address="192.0.2.7", user_agent="Old browser", stored=True)
    new = CommentFactory(post=post, ip_address="192.0.2.8", user_agent="New browser", stored=True)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    shown = stored_html(old)
    call_command("run_periodic")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (new.ip_address, new.user_agent) == ("192.0.2.8", "New browser")
    assert stored_html(old) == shown  # nothing shown changed


def test_a_commenters_comments_are_found_by_the_address_index_in_any_case(zoes):
    """The own-data pages, the export, the erasure and admin's count look comments up by
    address: in any case, through the UPPER(email) index, not a scan of every comment."""
    from django.db import connection

    from notifications.mydata import comments_of

    found = set(comments_of(" ZOE@example.COM ").values_list("email", flat=True))
    assert found == {"zoe@example.com", "Zoe@Example.com"}
    assert not comments_of("zoe@example.co").exists()
    assert not comments_of("zo_@example.com").exists()  # no LIKE wildcards
    if connection.vendor != "sqlite":
        return  # PostgreSQL plans a tiny table as a scan either way
    sql, params = comments_of("zoe@example.com").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "comment_email_created" in plan, plan
