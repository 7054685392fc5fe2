"""The hostile corpus, blog side: site settings and cover uploads an attacker could try."""

import io
import json
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from blog.images import validate_upload
from blog.models import SiteSettings
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    "</title><script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
]


def _inert(html):
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if tag.name == "script" and tag.get("type") == "application/ld+json":
            # A data block (never run): it must be JSON with nothing that ends the element.
            assert "<" not in tag.string and json.loads(tag.string), tag
        elif tag.name == "script":
            assert tag.get("src", "").startswith("/static/") and not tag.string, tag
        for attribute, value in tag.attrs.items():
            assert not attribute.lower().startswith("on"), tag
            if attribute in {"href", "src"}:
                assert urlsplit(str(value).strip().lower()).scheme in {"", "http", "https"}, tag


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("field", ["site_name", "tagline", "about"])
def test_markup_in_the_site_settings_is_inert_on_every_page(client, field, payload):
    settings_row, _ = SiteSettings.objects.get_or_create(pk=1)
    setattr(settings_row, field, payload)
    settings_row.save()
    post = PostFactory()
    for url in ["/", post.get_absolute_url(), "/feed/"]:
        response = client.get(url)
        assert response.status_code in (200, 404)
        if response["Content-Type"].startswith("text/html"):
            _inert(response.text)


def _upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(
            lambda: _upload(
                "cover.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                "image/svg+xml",
            ),
            id="svg-with-script",
        ),
        pytest.param(
            lambda: _upload("cover.png", b"<html><script>alert(1)</script></html>"),
            id="html-named-png",
        ),
        pytest.param(
            lambda: _upload("cover.png", _png()[:40]),
            id="truncated-png",
        ),
        pytest.param(lambda: _upload("cover.png", b""), id="empty"),
        pytest.param(
            lambda: _upload("cover.gif", b"GIF89a" + b"\x00" * 40, "image/gif"),
            id="gif-header-only",
        ),
    ],
)
def test_a_hostile_cover_upload_is_refused_with_a_clear_message(upload):
    with pytest.raises(ValidationError):
        validate_upload(upload())


def test_a_png_with_html_after_it_is_stored_only_as_a_re_encoded_picture():
    """A PNG/HTML polyglot passes as a picture, but only Pillow's re-encoding is stored."""
    from blog.images import process_cover

    polyglot = _png() + b"<html><script>alert(1)</script></html>"
    upload = _upload("cover.png", polyglot)
    validate_upload(upload)
    post = PostFactory(cover_image=upload)
    process_cover(post)
    post.refresh_from_db()
    for rendition in post.cover_renditions or []:
        path = rendition.get("path") or rendition.get("name")
        if path:
            with post.cover_image.storage.open(path) as stored:
                assert b"<script" not in stored.read()
