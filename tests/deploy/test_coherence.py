"""Several workers and servers never show stale site settings, categories or links.

Two gunicorn servers of two workers each share one database: without Redis their cache is the
database cache (the production default), with REDIS_URL it is Redis. Every worker has drawn
pages (and cached the site settings) before an editor changes them in admin on the first
server; every page load after that, on either server, must show the change at once.
"""

import json
import re

import pytest

pytestmark = pytest.mark.deploy

PAGES = ["/", "/posts/two-servers/", "/category/field-notes/"]
LOADS = 40


def _load(visitor, server, path):
    response = visitor().get(server, path)
    assert response.status_code == 200, (server.url, path, response.status_code)
    return response.text


def _nav(html):
    match = re.search(r"<nav.*?</nav>", html, re.DOTALL)
    return match.group(0) if match else html


@pytest.mark.parametrize("cache", ["database", "redis"])
def test_a_change_in_admin_on_one_server_shows_on_every_worker_of_both_at_once(
    site, visitor, cache, tmp_path, request
):
    cache_url = request.getfixturevalue("redis_cache_url") if cache == "redis" else ""
    first, second = site.start(cache_url), site.start(cache_url)
    servers = [first, second]
    for i in range(LOADS):  # every worker draws pages and caches the old settings
        html = _load(visitor, servers[i % 2], PAGES[i % 3])
        assert "Threadline" in html

    editor = visitor()
    editor.sign_in(first)
    changes = {
        "site_name": "The Renamed Gazette",
        "links-0-network": "mastodon",
        "links-0-url": "https://social.example/@gazette",
    }
    path = "/admin/blog/sitesettings/1/change/"
    assert editor.submit(first, path, "#sitesettings_form", changes).status_code == 302
    changes = {"name": "Night Desk", "slug": "night-desk", "description": "After hours."}
    path = "/admin/blog/category/add/"
    assert editor.submit(first, path, "#category_form", changes).status_code == 302

    stale = []
    for i in range(LOADS):
        server, page = servers[i % 2], PAGES[i % 3]
        html = _load(visitor, server, page)
        fresh = (
            "The Renamed Gazette" in html
            and "Night Desk" in _nav(html)
            and "https://social.example/@gazette" in html
        )
        if not fresh:
            stale.append(f"{server.url}{page}")

    report = {"cache": cache, "page_loads": LOADS, "stale": len(stale), "stale_pages": stale}
    (tmp_path / "coherence.json").write_text(json.dumps(report))
    print(f"\ncoherence ({cache}): {LOADS} page loads after the change, {len(stale)} stale")
    assert stale == []
