"""Content-Security-Policy and Permissions-Policy on every kind of response."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from blog.markup import video_embed
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def policy(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


@pytest.fixture
def responses(client):
    post = PostFactory()
    return {
        "home": client.get(reverse("blog:home")),
        "post": client.get(post.get_absolute_url()),
        "admin login": client.get(reverse("admin:login")),
        "404": client.get("/no-such-page/"),
        "400": client.get(reverse("blog:home"), QUERY_STRING="&".join(["f=1"] * 1001)),
    }


def test_every_response_has_the_policy(responses):
    for name, response in responses.items():
        directives = policy(response)
        assert directives["default-src"] == {"'self'"}, name
        assert directives["script-src"] == {"'self'"}, name
        assert directives["style-src"] == {"'self'"}, name
        assert directives["object-src"] == {"'none'"}, name
        assert directives["frame-ancestors"] == {"'none'"}, name
        assert directives["base-uri"] == {"'self'"}, name
        assert directives["form-action"] == {"'self'"}, name
        assert "unsafe-inline" not in response["Content-Security-Policy"], name
        assert "unsafe-eval" not in response["Content-Security-Policy"], name


@pytest.mark.parametrize(
    "link",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
        "https://player.vimeo.com/video/76979871?h=8272103f6e",
    ],
)
def test_frames_are_allowed_for_exactly_the_video_players_posts_embed(client, link):
    embed = str(video_embed(link))
    src = embed.split('data-video-player="', 1)[1].split('"', 1)[0]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(src))
    frame_src = policy(client.get(reverse("blog:home")))["frame-src"]
    assert origin in frame_src
    assert frame_src == {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}


def test_devices_and_sensors_are_off_and_only_video_frames_get_fullscreen(client):
    header = client.get(reverse("blog:home"))["Permissions-Policy"]
    features = dict(part.split("=", 1) for part in header.split(", "))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features[feature] == "()"
    # autoplay too: the player loads on the reader's click and should start at once.
    for feature in ["fullscreen", "autoplay"]:
        assert features[feature] == (
            '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
        )
