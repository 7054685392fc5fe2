"""Which address a comment, a ban, a flood limit and a report see for the reader."""

import pytest
from django.test import RequestFactory

from comments.client_ip import client_ip
from comments.models import Comment


@pytest.fixture
def rf():
    return RequestFactory()


def test_without_proxies_the_connection_address_is_used_and_forwarded_for_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_saw_is_used(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.9")
    # The reader can put anything in front of the header; only the entry the trusted
    # proxy appended counts.
    assert client_ip(request) == "203.0.113.9"


def test_behind_two_proxies_the_outer_proxy_entry_is_used(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.9, 10.0.0.2"
    )
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("header", ["", "not-an-address", "203.0.113.9, junk"])
def test_a_missing_or_malformed_forwarded_for_falls_back_to_the_connection(rf, settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == "10.0.0.2"


@pytest.mark.django_db
def test_a_posted_comment_stores_the_reader_address_behind_a_proxy(
    client, settings, post_url, guest_data
):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(post_url, guest_data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Comment.objects.get().ip_address == "203.0.113.9"
