"""Never mail a stranger (double opt-in, limits) and unsubscribe in one click (RFC 8058)."""

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from notifications.links import make_token
from notifications.models import Address, LinkSent, OutgoingMail, Subscription
from notifications.telling import request_confirmation
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_many_comments_from_one_unconfirmed_address_send_one_confirmation(
    client, post, send, work, mailoutbox
):
    for number in range(4):
        send(client, post, body=f"Comment number {number}.", notify="on")
    work()
    confirmations = [m for m in mailoutbox if m.to == ["zoe@example.com"]]
    assert len(confirmations) == 1
    assert "ignore this mail" in confirmations[0].body


def test_confirmations_are_limited_per_ip_address(settings, post, send, work, mailoutbox):
    settings.NOTIFY_CONFIRM_PER_IP_HOUR = 2
    for number in range(5):
        send(Client(), post, email=f"victim{number}@example.com", notify="on")
    work()
    assert len([m for m in mailoutbox if "confirm" in m.subject.lower()]) == 2


def test_the_confirmation_link_confirms_on_post_not_on_get(
    client, post, send, work, mailoutbox, links_in
):
    send(client, post, notify="on")
    work()
    (path,) = links_in(next(m for m in mailoutbox if m.to == ["zoe@example.com"]))
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my address" in page.content.decode()
    zoe = Address.objects.filter(email="zoe@example.com")
    assert zoe.get().confirmed_at is None  # a link scanner confirms nothing
    assert client.post(path).status_code == 200
    assert zoe.get().confirmed_at is not None


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe", "preferences", "data"])
def test_a_forged_link_is_a_400_and_changes_nothing(client, kind):
    Address.objects.create(email="zoe@example.com")
    token = make_token(kind, "zoe@example.com")
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    url = {"data": f"/notifications/my-comments/{forged}/"}.get(
        kind, f"/notifications/{kind}/{forged}/"
    )
    response = client.post(url, {"confirm": "yes", "action": "stop_all"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    address = Address.objects.get()
    assert address.confirmed_at is None and address.unsubscribed_at is None


def test_a_link_of_one_kind_does_not_work_as_another(client):
    Address.objects.create(email="zoe@example.com")
    token = make_token("preferences", "zoe@example.com")
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400
    assert Address.objects.get().unsubscribed_at is None


def test_an_expired_link_says_so(client, monkeypatch):
    Address.objects.create(email="zoe@example.com")
    old = timezone.now().timestamp() - 30 * 24 * 60 * 60
    monkeypatch.setattr(signing.time, "time", lambda: old)
    token = make_token("confirm", "zoe@example.com")
    monkeypatch.undo()
    response = client.post(f"/notifications/confirm/{token}/")
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert Address.objects.get().confirmed_at is None


@pytest.fixture
def subscription(post):
    comment = CommentFactory(post=post, email="zoe@example.com", stored=True)
    Address.objects.create(email="zoe@example.com", confirmed_at=timezone.now())
    return Subscription.objects.create(comment=comment, email="zoe@example.com")


def test_one_click_unsubscribe_needs_no_login_or_csrf_token(subscription):
    token = make_token("unsubscribe", "zoe@example.com", s=subscription.pk)
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        f"/notifications/unsubscribe/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.active is False
    assert Address.objects.get().unsubscribed_at is None  # only this thread


def test_opening_the_unsubscribe_link_asks_first(client, subscription):
    token = make_token("unsubscribe", "zoe@example.com", s=subscription.pk)
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.active is True


def test_unsubscribe_from_everything_stops_all_mail(subscription, post, work, mailoutbox):
    token = make_token("unsubscribe", "zoe@example.com")
    assert Client().post(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert Address.objects.get().unsubscribed_at is not None
    # A new subscription after that sends no confirmation and no replies.
    assert request_confirmation("zoe@example.com") is False


def test_an_unknown_address_or_subscription_is_a_404_and_changes_nothing(client, subscription):
    for token in (
        make_token("unsubscribe", "nobody@example.com"),
        make_token("unsubscribe", "zoe@example.com", s=subscription.pk + 100),
        make_token("unsubscribe", "other@example.com", s=subscription.pk),
    ):
        response = client.post(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 404
        assert "nothing was changed" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.active is True


def test_the_preferences_page_stops_one_thread_or_everything(client, subscription):
    url = f"/notifications/preferences/{make_token('preferences', 'zoe@example.com')}/"
    page = client.get(url).content.decode()
    assert "Night trains return" in page
    assert client.post(url, {"action": f"stop:{subscription.pk}"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.active is False
    client.post(url, {"action": "stop_all"})
    assert Address.objects.get().unsubscribed_at is not None
    client.post(url, {"action": "resume"})
    assert Address.objects.get().unsubscribed_at is None
    assert client.post(url, {"action": "explode"}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_confirmations_requested_at_the_same_instant_send_exactly_one(at_once):
    """Eight workers handle comments from one address at once (SQLite's IMMEDIATE
    transactions or PostgreSQL's advisory locks serialise them)."""
    errors = at_once(lambda number: request_confirmation("zoe@example.com", ip_address="192.0.2.1"))
    assert errors == []
    assert OutgoingMail.objects.filter(kind="confirm").count() == 1
    assert LinkSent.objects.count() == 1
