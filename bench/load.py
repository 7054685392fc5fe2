"""The bounded load run of issue 11 (step 5): gunicorn with 4 workers, locust headless.

    make load
    .venv/bin/python bench/load.py [--seconds 20] [--users 8] [--port 21210] [--redis-url URL]

Prepares a throw-away production site in a temporary folder (DJANGO_ENV=production with a
generated SECRET_KEY, a SQLite file, or a new PostgreSQL database bench_load_<pid> on the
server of DATABASE_URL, dropped afterwards; migrate, createcachetable, collectstatic), with a
post of 1,000 comments (bench/forest.py). Starts gunicorn (gunicorn.conf.py, 4 workers) on
127.0.0.1 and runs three scenarios one after the other, each for a fixed time with a fixed
number of users (bench/locustfile.py), behind the headers our reverse proxy would add:

- the post page, page 1, with the cache warm (GETs before the run fill it);
- the comment POST, as a browser sends it: GET the page for the CSRF cookie and the form's
  signed time stamp, wait the policy's minimum time, POST (a new sender each time);
- a trivial view of the same server (/robots.txt), the ceiling.

Prints requests a second and p50/p99 of each, and the post page's share of the ceiling.
The cache is the production one: the database cache, or Redis with --redis-url.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COMMENTS = 1_000
CEILING_PATH = "/robots.txt"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of each scenario (20)")
    parser.add_argument("--users", type=int, default=8, help="concurrent readers (8)")
    parser.add_argument("--commenters", type=int, default=16, help="concurrent commenters (16)")
    parser.add_argument("--port", type=int, default=21210)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--redis-url", default="", help="use this Redis database as the cache")
    parser.add_argument("--json", default="")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.prepare:
        return prepare()

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    server_url = os.environ.get("DATABASE_URL", "")
    database = f"bench_load_{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "HOST": "127.0.0.1",
        "PORT": str(options.port),
        "WEB_CONCURRENCY": str(options.workers),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        # Workers are not recycled during a 20-second scenario.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    env.pop("REDIS_URL", None)
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
    if server_url:
        _pg(server_url, f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = server_url.rpartition("/")[0] + f"/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'load.sqlite3'}"
    server = None
    try:
        manage = [PYTHON, "manage.py"]
        for command in (
            ["collectstatic", "--noinput", "--verbosity", "0"],
            ["migrate", "--noinput", "--verbosity", "0"],
            ["createcachetable"],
        ):
            subprocess.run(manage + command, cwd=ROOT, env=env, check=True)
        prepared = json.loads(
            subprocess.run(
                [PYTHON, __file__, "--prepare"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{options.port}"
        _wait_until_up(base)
        for _ in range(4 * options.workers):  # every worker's templates, the cache warm
            _get(base + prepared["path"])
        results = {
            "comments": COMMENTS,
            "workers": options.workers,
            "seconds": options.seconds,
            "cache": "redis" if options.redis_url else "database",
            "database": "postgresql" if server_url else "sqlite",
        }
        scenarios = (
            ("post_page", "PostPageReader", options.users, "post page"),
            ("comment_post", "Commenter", options.commenters, "comment POST"),
            ("ceiling", "CeilingReader", options.users, "ceiling"),
        )
        for key, user_class, users, name in scenarios:
            results[key] = run_locust(
                base, user_class, users, options.seconds, folder / key, prepared, name
            )
            print(f"{key}: {results[key]}", flush=True)
        results["post_page_share_of_ceiling"] = results["post_page"]["rps"] / max(
            results["ceiling"]["rps"], 1e-9
        )
        print()
        print(format_table(results))
        if options.json:
            Path(options.json).write_text(json.dumps(results, indent=2))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if server_url:
            _pg(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        subprocess.run(["rm", "-rf", str(folder)], check=False)
    return results


def prepare():
    """In the site's environment: one post with 1,000 comments; prints its path as JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.forest import generate_forest, store_forest
    from moderation.models import ModerationSettings
    from tests.factories import PostFactory

    post = PostFactory(title="Night trains return: the load run", slug="load-post")
    store_forest(post, generate_forest(COMMENTS, seed=5))
    settings_row = ModerationSettings.load()
    print(json.dumps({"path": post.get_absolute_url(), "min_seconds": settings_row.min_seconds}))


def run_locust(base, user_class, users, seconds, prefix, prepared, name):
    env = {
        **os.environ,
        "LOAD_POST_PATH": prepared["path"],
        "LOAD_CEILING_PATH": CEILING_PATH,
        "LOAD_MIN_SECONDS": str(prepared["min_seconds"]),
    }
    command = [
        PYTHON,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        user_class,
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    row = rows[name]
    return {
        "users": users,
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
        "bytes": round(float(row["Average Content Size"])),
    }


def format_table(results):
    lines = [
        f"Load: {results['comments']:,}-comment post, gunicorn {results['workers']} sync workers "
        f"on 127.0.0.1, {results['seconds']} s a scenario, {results['database']}, "
        f"{results['cache']} cache, locust on the same machine",
        "",
        "| scenario | users | requests | failures | req/s | p50 ms | p99 ms | KB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, label in (
        ("post_page", "post page, page 1, warm"),
        ("comment_post", "comment POST"),
        ("ceiling", f"ceiling ({CEILING_PATH})"),
    ):
        r = results[key]
        lines.append(
            f"| {label} | {r['users']} | {r['requests']:,} | {r['failures']} | {r['rps']:,.1f} | "
            f"{r['p50_ms']:,.0f} | {r['p99_ms']:,.0f} | {r['bytes'] / 1024:,.0f} |"
        )
    share = results["post_page_share_of_ceiling"]
    verdict = "PASS" if share >= 0.25 else "FAIL"
    lines += ["", f"post page req/s ÷ ceiling req/s: {share:.2f} (target ≥ 0.25: {verdict})"]
    return "\n".join(lines)


def _pg(server_url, statement):
    import psycopg

    with psycopg.connect(server_url.rpartition("/")[0] + "/postgres", autocommit=True) as db:
        db.execute(statement)


def _get(url):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _wait_until_up(base, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            _get(base + "/healthz")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


if __name__ == "__main__":
    main()
