"""Abuse limits against real servers: gunicorn workers (and two servers) taking a burst of
comments at the same instant, on the suite's database (SQLite file or PostgreSQL).

Each comment is posted the way a browser posts it: its own page load (CSRF cookie and a
single-use form stamp), then every POST released at once from its own thread.
"""

import threading

import pytest
from bs4 import BeautifulSoup

from .conftest import Server, Visitor

BURST = 16
POST_PATH = "/posts/two-servers/"

pytestmark = pytest.mark.deploy


def _configure(site, *, flood_limit, duplicate_hours):
    site.manage(
        "shell",
        "-c",
        "from moderation.models import ModerationSettings;"
        "ModerationSettings.objects.update_or_create(pk=1, defaults={"
        f"'flood_limit': {flood_limit}, 'duplicate_hours': {duplicate_hours},"
        "'min_seconds': 0, 'hold_first_time': False})",
    )


def _servers(site, count):
    env = site.environment()
    env.update(COMMENTS_POLICY="moderation.policy.ModerationPolicy", WEB_CONCURRENCY="4")
    servers = []
    for number in range(count):
        server = Server(env, site.tmp, f"burst{number}")
        site.servers.append(server)
        servers.append(server)
    return servers


def _fire(servers, fields):
    """Load the form BURST times, then send every comment at the same instant."""
    prepared = []
    for number in range(BURST):
        server = servers[number % len(servers)]
        visitor = Visitor()
        page = visitor.get(server, POST_PATH)
        assert page.status_code == 200
        form = BeautifulSoup(page.text, "html.parser").select_one("form.comment-form")
        data = {
            field["name"]: field.get("value", "")
            for field in form.find_all("input")
            if field.get("name")
        }
        data.update(fields(number))
        prepared.append((visitor, server, form["action"].split("#")[0], data))
    barrier = threading.Barrier(BURST)
    statuses = [None] * BURST

    def send(number):
        visitor, server, action, data = prepared[number]
        barrier.wait()
        statuses[number] = visitor.post(server, action, data).status_code

    threads = [threading.Thread(target=send, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


def _stored(site):
    result = site.manage(
        "shell",
        "-c",
        "from comments.models import Comment;"
        "print(Comment.objects.filter(post__slug='two-servers').count())",
    )
    return int(result.stdout.strip().splitlines()[-1]) - 1  # the seeded comment


def _trees_valid(site):
    return site.manage("check_comment_trees").returncode == 0


def test_a_burst_from_one_address_stores_exactly_the_flood_limit(site):
    _configure(site, flood_limit=5, duplicate_hours=0)
    servers = _servers(site, 1)
    statuses = _fire(
        servers,
        lambda n: {"name": f"Reader {n}", "email": f"r{n}@example.com", "body": f"Text {n}"},
    )
    assert statuses == [302] * 5 + [429] * (BURST - 5)
    assert _stored(site) == 5


def test_a_burst_across_two_servers_still_stores_exactly_the_flood_limit(site):
    _configure(site, flood_limit=5, duplicate_hours=0)
    servers = _servers(site, 2)
    statuses = _fire(
        servers,
        lambda n: {"name": f"Reader {n}", "email": f"r{n}@example.com", "body": f"Text {n}"},
    )
    assert statuses.count(302) == 5
    assert _stored(site) == 5


def test_identical_bodies_at_once_are_stored_once(site):
    _configure(site, flood_limit=0, duplicate_hours=24)
    servers = _servers(site, 1)
    statuses = _fire(
        servers, lambda n: {"name": "Same", "email": "same@example.com", "body": "Same words."}
    )
    assert statuses == [302] + [400] * (BURST - 1)
    assert _stored(site) == 1


def test_replies_and_new_threads_at_once_are_all_stored_in_valid_trees(site):
    _configure(site, flood_limit=0, duplicate_hours=0)
    servers = _servers(site, 2)
    statuses = _fire(
        servers,
        lambda n: {
            "name": f"Reader {n}",
            "email": f"r{n}@example.com",
            "body": f"Text {n}",
            "parent": "1" if n % 2 else "",
        },
    )
    assert statuses == [302] * BURST
    assert _stored(site) == BURST
    assert _trees_valid(site)
