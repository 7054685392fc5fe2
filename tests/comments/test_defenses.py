"""Defenses of the comment form: single-use, bounded-age stamps; blank text; avatar keys."""

import time

import pytest
from bs4 import BeautifulSoup
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from comments.avatars import avatar_key, avatar_url, key_signature
from comments.forms import EXPIRED_MESSAGE, STAMP_MAX_AGE, TIMESTAMP_SALT, new_stamp
from comments.models import Comment
from comments.posting import REUSED_FORM_MESSAGE

pytestmark = pytest.mark.django_db


def _stamp_in(response):
    return BeautifulSoup(response.text, "html.parser").find("input", {"name": "rendered"})["value"]


def test_one_form_stamp_is_good_for_one_comment(client, post_url, guest_data):
    guest_data["rendered"] = new_stamp(now=time.time() - 30)
    assert client.post(post_url, guest_data).status_code == 302
    for attempt in range(3):
        guest_data["body"] = f"Another comment {attempt}"
        response = client.post(post_url, guest_data)
        assert response.status_code == 400
        assert REUSED_FORM_MESSAGE in response.text
        assert f"Another comment {attempt}" in response.text  # the typed text is kept
    assert Comment.objects.count() == 1


def test_a_refused_reuse_gives_the_form_a_fresh_stamp_that_works(client, post_url, guest_data):
    guest_data["rendered"] = new_stamp(now=time.time() - 30)
    client.post(post_url, guest_data)
    guest_data["body"] = "Second, on purpose."
    response = client.post(post_url, guest_data)
    fresh = _stamp_in(response)
    assert fresh != guest_data["rendered"]
    guest_data["rendered"] = fresh
    assert client.post(post_url, guest_data).status_code == 302
    assert Comment.objects.count() == 2


def test_a_form_older_than_a_day_keeps_the_text_and_says_why(client, post_url, guest_data):
    guest_data["rendered"] = new_stamp(now=time.time() - STAMP_MAX_AGE - 5)
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert EXPIRED_MESSAGE in response.text
    assert "With two paragraphs." in response.text
    assert _stamp_in(response) != guest_data["rendered"]
    assert not Comment.objects.exists()


def test_a_stamp_from_before_stamps_were_single_use_counts_as_expired(client, post_url, guest_data):
    guest_data["rendered"] = signing.dumps(time.time() - 30, salt=TIMESTAMP_SALT)
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert EXPIRED_MESSAGE in response.text


@pytest.mark.parametrize(
    "text",
    [
        "\u3164",  # Hangul filler
        "\u3164\u3164 \u3164",
        "\u2800\u2800",  # braille blank
        "\u0301",  # a combining mark with nothing to sit on
        "\u0301\u0308\u20dd",
        "\u115f\u1160",  # Hangul choseong / jungseong fillers
        "\uffa0",  # halfwidth Hangul filler
        "\u200b\u2060\ufeff",  # zero-width characters
        "\u180e",  # Mongolian vowel separator
        "\U000e0020\U000e007f",  # tag characters
    ],
)
@pytest.mark.parametrize("field", ["body", "name"])
def test_text_that_draws_nothing_counts_as_empty(client, post_url, guest_data, field, text):
    guest_data[field] = text
    response = client.post(post_url, guest_data)
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", ["e\u0301", "\u0915\u093e", "한", "⠁", "🙂"])
def test_real_characters_with_marks_are_text(client, post_url, guest_data, text):
    guest_data["body"] = text
    assert client.post(post_url, guest_data).status_code == 302


def test_an_avatar_the_site_handed_out_is_drawn(client):
    response = client.get(avatar_url("ana@example.com"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_made_up_avatar_keys_are_a_404_and_leave_nothing_in_the_cache(client):
    for number in range(300):
        key = f"{number:020x}"
        url = reverse("comments:avatar", kwargs={"key": key, "signature": "0" * 12})
        assert client.get(url).status_code == 404
    issued = avatar_key("ana@example.com")
    client.get(
        reverse("comments:avatar", kwargs={"key": issued, "signature": key_signature(issued)})
    )
    # The test cache is the local-memory one: nothing of the avatars is kept in it.
    assert not [key for key in cache._cache if "avatar" in key]
