"""One gunicorn server in production mode (DEBUG off), as `make serve` runs it."""

import json
import re
import time

import pytest

pytestmark = pytest.mark.deploy

ADD_COVER = """
import io
from django.core.files.base import ContentFile
from PIL import Image
from blog.images import process_cover
from blog.models import Post

post = Post.objects.get(slug="two-servers")
buffer = io.BytesIO()
Image.new("RGB", (1000, 600), (30, 90, 160)).save(buffer, format="PNG")
post.cover_image.save("harbour.png", ContentFile(buffer.getvalue()), save=False)
process_cover(post)
"""


@pytest.fixture(scope="module")
def server(module_site):
    module_site.manage("shell", "-c", ADD_COVER)
    return module_site.start()


def test_a_cover_image_answers_200_with_an_image_type_and_a_year_of_cache(server, visitor):
    page = visitor().get(server, "/posts/two-servers/").text
    addresses = re.findall(r"(/media/[^\s\"]+\.(?:webp|jpg))", page)
    assert addresses
    for address in set(addresses):
        response = visitor().get(server, address)
        assert response.status_code == 200, address
        assert response.headers["Content-Type"] in ("image/webp", "image/jpeg")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if "/renditions/" in address:
            assert "max-age=31536000" in response.headers["Cache-Control"]


def test_static_files_are_hashed_compressed_and_cached_far_ahead(server, visitor):
    page = visitor().get(server, "/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    for encoding in ("br", "gzip"):
        response = visitor().get(server, stylesheet, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert "max-age=315360000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_health_answers_over_plain_http_and_pages_redirect_to_https(server):
    import requests

    health = requests.get(f"{server.url}/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    page = requests.get(f"{server.url}/", allow_redirects=False, timeout=10)
    assert page.status_code == 301 and page.headers["Location"].startswith("https://")


def test_the_access_log_is_json_lines_with_request_id_method_path_status_duration(server, visitor):
    response = visitor().get(server, "/posts/two-servers/")
    request_id = response.headers["X-Request-ID"]
    time.sleep(0.5)  # gunicorn writes the line once the reply is sent
    entries = [json.loads(line) for line in server.stdout_path.read_text().splitlines()]
    entry = next(e for e in entries if e.get("request_id") == request_id)
    assert entry["logger"] == "gunicorn.access"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/posts/two-servers/", 200)
    assert isinstance(entry["duration_ms"], int)
