"""Time the post page of one large discussion, as a reader gets it.

    .venv/bin/python bench/discussion.py [--comments 1000] [--runs 20]

Builds a throw-away SQLite database in a temporary folder (never the site's), fills one post
with N comments in whole threads (tests/factories.make_forest, HTML stored as posting stores
it), shows the whole discussion on one page and times GETs with Django's test client,
DEBUG off. Prints the median and the fastest run in milliseconds, the page size and the
query count. Machines here are noisy: compare runs made one after the other, as ratios.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from tests.factories import PostFactory, make_forest

    setup_test_environment()
    warnings.filterwarnings("ignore", message="No directory at")
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.COMMENTS_THREADS_PER_PAGE = options.comments
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    post = PostFactory()
    make_forest(post, options.comments, max_level=3)
    url = post.get_absolute_url()
    client = Client()
    response = client.get(url)  # warm-up: templates, caches, settings row
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)
    times = []
    for _ in range(options.runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{options.comments} comments: median {statistics.median(times):.1f} ms, "
        f"fastest {min(times):.1f} ms, {len(response.content) / 1024:.0f} KB, "
        f"{queries} queries ({options.runs} runs)"
    )


if __name__ == "__main__":
    main()
