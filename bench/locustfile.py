"""The users of the load run (bench/load.py starts them: one class per scenario).

Every request carries the headers our reverse proxy adds in production (X-Forwarded-Proto:
https, and X-Forwarded-For with the reader's address, TRUSTED_PROXY_COUNT=1), so the site
sees readers at many addresses as behind nginx. Settings come from the environment:
LOAD_POST_PATH (the post page), LOAD_CEILING_PATH (the trivial view) and LOAD_MIN_SECONDS
(the moderation policy's minimum time between drawing the form and posting it).
"""

import itertools
import os
import re
import time

from locust import HttpUser, constant, task

POST_PATH = os.environ.get("LOAD_POST_PATH", "/")
CEILING_PATH = os.environ.get("LOAD_CEILING_PATH", "/robots.txt")
MIN_SECONDS = float(os.environ.get("LOAD_MIN_SECONDS", "0"))
_senders = itertools.count(1)
FIELD = re.compile(rb'<input type="hidden" name="(rendered|csrfmiddlewaretoken)" value="([^"]*)"')
ACTION = re.compile(rb'<form[^>]+action="([^"#]*/comments/post/\d+/)[^"]*"')


def proxy_headers(number):
    return {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
    }


class Reader(HttpUser):
    """A reader at an address of its own who GETs `page_path` again and again (closed loop);
    bench/load.py reads the results by `request_name`."""

    abstract = True
    wait_time = constant(0)
    page_path = request_name = ""

    def on_start(self):
        self.headers = proxy_headers(next(_senders))

    @task
    def read(self):
        self.client.get(self.page_path, headers=self.headers, name=self.request_name)


class PostPageReader(Reader):
    """Reads page 1 of the 1,000-comment discussion."""

    page_path, request_name = POST_PATH, "post page"


class CeilingReader(Reader):
    """The trivial view on the same server: the ceiling for requests a second."""

    page_path, request_name = CEILING_PATH, "ceiling"


class Commenter(HttpUser):
    """A guest who opens the post, waits the form's minimum time, then posts a comment.

    A new address and e-mail for every comment, as many readers would be, so the flood and
    duplicate limits judge each as a first comment (held for moderation). The CSRF cookie is
    sent by hand: production marks it Secure and this client talks plain HTTP to gunicorn,
    as the proxy does.
    """

    wait_time = constant(0)

    @task
    def comment(self):
        number = next(_senders)
        headers = proxy_headers(number)
        with self.client.get(
            POST_PATH, headers=headers, name="post page (for the form)", catch_response=True
        ) as page:
            fields = dict(FIELD.findall(page.content))
            action = ACTION.search(page.content)
            token = page.cookies.get("csrftoken")
            if not (token and action and b"rendered" in fields):
                page.failure("no comment form, CSRF cookie or time stamp on the page")
                return
        time.sleep(MIN_SECONDS + 0.2)
        host = self.host.split("://", 1)[1]
        response = self.client.post(
            action.group(1).decode(),
            data={
                "csrfmiddlewaretoken": fields.get(b"csrfmiddlewaretoken", b"").decode(),
                "rendered": fields[b"rendered"].decode(),
                "name": f"Load Reader {number}",
                "email": f"load{number}@example.com",
                "body": f"Comment number {number} of the load run: night trains are back.",
                "homepage": "",
                "parent": "",
            },
            headers={
                **headers,
                "Cookie": f"csrftoken={token}",
                "Origin": f"https://{host}",
                "Referer": f"https://{host}{POST_PATH}",
            },
            allow_redirects=False,
            name="comment POST",
            catch_response=True,
        )
        with response:
            if response.status_code != 302:
                response.failure(f"answered {response.status_code}")
