"""Real gunicorn servers for tests/deploy, each on a free port in 8100-8199, in production mode.

The servers run `gunicorn -c gunicorn.conf.py` exactly as `make serve` does, against a database
made for the test (a temporary SQLite file, or a new PostgreSQL database on the server named by
DATABASE_URL, dropped afterwards). Requests carry `X-Forwarded-Proto: https`, as a TLS proxy
would send, so the production settings (SSL redirect, secure cookies) stay on.
"""

import contextlib
import os
import random
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import environ
import pytest
import requests
from bs4 import BeautifulSoup

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORTS = range(8100, 8200)
ADMIN_PASSWORD = "deploy-test-" + secrets.token_hex(8)
SEED = f"""
from django.contrib.auth import get_user_model
from django.utils import timezone
from blog.models import Category, Post
from tests.factories import submit_comment

admin = get_user_model().objects.create_superuser("admin", "admin@example.com", {ADMIN_PASSWORD!r})
category = Category.objects.create(name="Field notes", slug="field-notes")
post = Post.objects.create(
    title="Two servers, one story", slug="two-servers", author=admin, body="A story.",
    status="published", published_at=timezone.now() - timezone.timedelta(hours=1),
)
post.categories.add(category)
submit_comment(post, body="The first comment.", name="Ada", email="ada@example.com")
"""


def is_postgres(url):
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def redis_url():
    """The Redis for these tests: TEST_REDIS_URL, else db 5 on this machine."""
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_reachable(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def require_redis():
    """Skip without Redis on a developer's machine; in CI, Redis is there, so fail."""
    url = redis_url()
    if not redis_reachable(url):
        if os.environ.get("CI"):
            pytest.fail(f"Redis is needed for this test in CI and {url} does not answer")
        pytest.skip(f"Redis is not reachable at {url}")
    return url


def free_port():
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port in 8100-8199")


class Server:
    """One gunicorn master and its workers."""

    def __init__(self, env, log_dir, name):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.origin = f"https://127.0.0.1:{self.port}"
        self.stdout_path = log_dir / f"{name}.stdout.log"
        self.stderr_path = log_dir / f"{name}.stderr.log"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [BIN / "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env={**env, "HOST": "127.0.0.1", "PORT": str(self.port)},
                stdout=out,
                stderr=err,
            )
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.stderr_path.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet, or its first request still being answered
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer:\n{self.stderr_path.read_text()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Visitor:
    """A browser as far as cookies go: one cookie jar, used on any of the servers.

    The servers think every request came through TLS, so they set Secure cookies; the jar is
    told to send them over the plain loopback connection anyway.
    """

    def __init__(self):
        self.session = requests.Session()

    def get(self, server, path, **kwargs):
        return self._send("GET", server, path, **kwargs)

    def post(self, server, path, data, **kwargs):
        headers = {"Origin": server.origin, "Referer": server.origin + path}
        return self._send("POST", server, path, data=data, headers=headers, **kwargs)

    def _send(self, method, server, path, headers=None, **kwargs):
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        response = self.session.request(
            method, server.url + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for cookie in self.session.cookies:
            cookie.secure = False
        return response

    def submit(self, server, path, selector, changes):
        """Fill in the page's form as a browser would, with `changes`, and send it."""
        response = self.get(server, path)
        assert response.status_code == 200, (path, response.status_code)
        form = BeautifulSoup(response.text, "html.parser").select_one(selector)
        data = {}
        for field in form.find_all(["input", "select", "textarea"]):
            name = field.get("name")
            if not name or field.get("type") in ("submit", "file", "button"):
                continue
            if field.get("type") in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data[name] = field.get("value", "on")
            elif field.name == "select":
                chosen = field.find("option", selected=True)
                if chosen is not None:
                    data[name] = chosen.get("value", "")
            elif field.name == "textarea":
                data[name] = field.text.removeprefix("\n")
            else:
                data[name] = field.get("value", "")
        data.update(changes)
        action = (form.get("action") or path).split("#")[0]
        return self.post(server, action, data)

    def sign_in(self, server, username="admin", password=ADMIN_PASSWORD):
        changes = {"username": username, "password": password, "next": "/admin/"}
        response = self.submit(server, "/admin/login/", "#login-form", changes)
        assert response.status_code == 302, response.text[:2000]


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic once: hashed names, gzip and brotli copies (WhiteNoise's storage)."""
    root = tmp_path_factory.mktemp("static")
    env = production_environment(root, "sqlite://:memory:", static_root=root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    return root


def production_environment(tmp, database_url, *, static_root, cache_url="", **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "AWS_", "PYTEST_", "TEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        SECRET_KEY="deploy-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="0",
        REDIS_URL=cache_url,
        CACHE_KEY_PREFIX=f"deploy-test-{uuid.uuid4().hex[:8]}",
        MEDIA_ROOT=str(Path(tmp) / "media"),
        STATIC_ROOT=str(static_root),
        COMMENTS_POLICY="comments.policy.ApproveAll",
        # One TLS proxy in front, as in production: X-Forwarded-Proto is trusted only then.
        TRUSTED_PROXY_COUNT="1",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="WARNING",
        GUNICORN_LOG_LEVEL="warning",
        SITE_URL="https://127.0.0.1",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def fresh_database(tmp):
    """An empty database for the servers: PostgreSQL when DATABASE_URL names it, else SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        yield f"sqlite:///{Path(tmp) / 'site.sqlite3'}"
        return
    import psycopg

    config = environ.Env.db_url_config(url)
    name = f"threadline_deploy_{uuid.uuid4().hex[:10]}"
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(**server) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Site:
    """One seeded database and the servers started on it."""

    def __init__(self, tmp, static_root, database_url):
        self.tmp = Path(tmp)
        self.static_root = static_root
        self.database_url = database_url
        self.prefix = f"deploy-test-{uuid.uuid4().hex[:8]}"
        self.servers = []
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("shell", "-c", SEED)

    def environment(self, cache_url=""):
        env = production_environment(
            self.tmp, self.database_url, static_root=self.static_root, cache_url=cache_url
        )
        env["CACHE_KEY_PREFIX"] = self.prefix
        return env

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.environment(),
            check=True,
            capture_output=True,
            text=True,
        )

    def start(self, cache_url=""):
        server = Server(self.environment(cache_url), self.tmp, f"server{len(self.servers)}")
        self.servers.append(server)
        return server

    def stop(self):
        for server in self.servers:
            server.stop()


@contextlib.contextmanager
def running_site(tmp, static_root):
    with fresh_database(tmp) as database_url:
        site = Site(tmp, static_root, database_url)
        try:
            yield site
        finally:
            site.stop()


@pytest.fixture
def site(tmp_path, static_root):
    """A seeded database of its own: `site.start(cache_url="")` starts a server on it."""
    with running_site(tmp_path, static_root) as site:
        yield site


@pytest.fixture(scope="module")
def module_site(tmp_path_factory, static_root):
    """The same, shared by the tests of a module that only read."""
    with running_site(tmp_path_factory.mktemp("site"), static_root) as site:
        yield site


@pytest.fixture
def redis_cache_url():
    return require_redis()


@pytest.fixture
def visitor():
    return Visitor
