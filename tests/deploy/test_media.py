"""Media on disk, served by the app (ops.views.serve_media) and named by blog.images."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from blog.images import process_cover
from ops import media
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(settings):
    def store(name, data=b"\x89PNG\r\n\x1a\n"):
        path = settings.MEDIA_ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return name

    return store


def test_a_rendition_is_served_as_an_image_with_nosniff_and_a_year_of_cache(client, stored):
    name = stored("covers/2026/12/renditions/a-480w-0123456789ab.webp")
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_stored_original_is_kept_a_day_only(client, stored):
    name = stored("covers/2026/12/a.jpg")
    response = client.get(f"/media/{name}")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize("name", ["covers/x.html", "covers/x.svg", "covers/x.js", "covers/x"])
def test_a_file_that_is_not_a_picture_is_never_served(client, stored, name):
    stored(name, b"<script>alert(1)</script>")
    assert client.get(f"/media/{name}").status_code == 404


def test_a_path_out_of_media_root_is_refused(client, stored):
    stored("covers/a.png")
    assert client.get("/media/../../etc/passwd.png").status_code == 404
    assert client.get("/media/%2e%2e/%2e%2e/x.png").status_code == 404


def test_the_content_type_comes_from_the_name_only():
    assert media.content_type("a/B.JPG") == "image/jpeg"
    assert media.content_type("a/b.png") == "image/png"
    assert media.content_type("a/b.php") is None


def test_an_uploaded_cover_answers_200_with_an_image_type(client):
    post = PostFactory(status="published")
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 80, 40)).save(buffer, format="PNG")
    post.cover_image.save("holiday.png", ContentFile(buffer.getvalue()), save=False)
    process_cover(post)
    for entry in post.cover_renditions:
        response = client.get(post.cover_image.storage.url(entry["webp"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
