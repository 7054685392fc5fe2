"""Admin login throttling (django-axes, security/throttling.py).

Limits as configured: 5 failures per username from one address, 20 per address, a 15-minute
pause; the address is the reader's, behind TRUSTED_PROXY_COUNT proxies.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import StaffFactory

PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"
LOCKED_TEXT = "Too many failed sign-in attempts"

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return StaffFactory(username="editor")


@pytest.fixture
def sign_in(client):
    def attempt(username, password, ip=ATTACKER, **headers):
        client.logout()
        return client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": reverse("admin:index")},
            REMOTE_ADDR=ip,
            **headers,
        )

    return attempt


def signed_in(response):
    return response.status_code == 302 and response.url == reverse("admin:index")


def test_thirty_wrong_passwords_lock_the_account_and_then_refuse_the_right_one(sign_in, editor):
    statuses = [sign_in("editor", f"guess {n}").status_code for n in range(30)]
    # The first four are the ordinary "please enter a correct username and password" form;
    # the fifth failure reaches the limit and is answered with the lockout page.
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 26

    response = sign_in("editor", PASSWORD)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_lockout_page_is_drawn_like_the_admin(sign_in, editor):
    for n in range(5):
        response = sign_in("editor", f"guess {n}")
    page = response.content.decode()
    assert "admin/css/login.css" in page
    assert "Threadline admin" in page
    assert "axes_reset_username" in page


def test_axes_reset_username_lifts_the_lock(sign_in, editor):
    for n in range(5):
        sign_in("editor", f"guess {n}")
    call_command("axes_reset_username", "editor", verbosity=0)
    assert signed_in(sign_in("editor", PASSWORD))


def test_axes_reset_lifts_every_lock(sign_in, editor):
    for n in range(20):
        sign_in(f"someone{n}", "guess")
    call_command("axes_reset", verbosity=0)
    assert signed_in(sign_in("editor", PASSWORD))


def test_another_account_from_the_same_address_is_not_locked(sign_in, editor):
    StaffFactory(username="moderator")
    for n in range(10):
        sign_in("editor", f"guess {n}")
    assert signed_in(sign_in("moderator", PASSWORD))


def test_the_same_account_from_another_address_is_not_locked(sign_in, editor):
    for n in range(10):
        sign_in("editor", f"guess {n}")
    assert signed_in(sign_in("editor", PASSWORD, ip=NEIGHBOUR))


def test_twenty_failures_from_one_address_lock_every_account_there(sign_in, editor):
    # Four tries at each of five names: no single account reaches its limit of 5.
    statuses = [sign_in(f"name{n % 5}", "guess").status_code for n in range(20)]
    assert statuses[:19] == [200] * 19
    assert statuses[19] == 429

    assert sign_in("editor", PASSWORD).status_code == 429
    assert signed_in(sign_in("editor", PASSWORD, ip=NEIGHBOUR))


def test_behind_a_proxy_each_reader_is_counted_by_their_own_address(sign_in, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for n in range(5):
        # A forged entry on the left changes nothing: the proxy's own entry is the one used.
        forwarded = f"192.0.2.{n}, {ATTACKER}"
        sign_in("editor", f"guess {n}", ip=proxy, HTTP_X_FORWARDED_FOR=forwarded)

    assert sign_in("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    assert signed_in(sign_in("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=NEIGHBOUR))


def test_failed_attempts_are_listed_in_the_admin(sign_in, editor, client):
    for n in range(3):
        sign_in("editor", f"guess {n}")
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert ATTACKER in response.content.decode()
