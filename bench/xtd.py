"""Time django-comments-xtd rendering a whole discussion of N comments on one page.

    .venv/bin/python -m bench.xtd --comments 1000 [--runs 15] [--seed 0]

or from the benchmark: `measure(n, runs=15, seed=0)`, which returns

    {"ms": median, "p90_ms": ..., "cpu_ms": median CPU, "queries": ..., "bytes": ...,
     "comments": comments found on the page, "version": xtd's version, ...}

and raises NotFinished when one GET takes longer than GET_LIMIT_S (xtd's tree building grows
faster than N), XtdUnavailable when xtd is not installed (`pip install -e '.[bench]'`), and
XtdError for anything else the measuring process reports.

xtd cannot share a process with our project (both claim the comment models and templates), so
`measure` runs this module again as a child process with its own minimal settings
(bench/xtd_site), a throw-away SQLite database in a temporary folder, and reads one JSON line
from its stdout. The child:

1. draws the discussion with `discussion()`: a seeded forest, about 30 % top-level comments,
   replies attached by preferential attachment (a comment's chance of a new reply grows with
   the replies it has) down to xtd's COMMENTS_XTD_MAX_THREAD_LEVEL, bodies of 20 to 1,200
   characters (a few hundred typically) with paragraphs, accents, emoji and HTML-special
   characters;
2. inserts it in bulk (xtd's own save() runs several queries per reply, far too slow for
   100,000 rows): the django_comments rows with bulk_create, then xtd's own table with the
   thread columns xtd's save() would compute (see `thread_columns`; `--verify` checks they
   match xtd's save() on a small discussion);
3. GETs a page that renders the whole tree the way xtd's docs show it
   (`{% get_xtdcomment_tree for object as comments_tree %}` then
   `{% render_xtdcomment_tree with comments=comments_tree %}`), with Django's test client,
   DEBUG off: one warm-up GET, one GET counting queries, then `runs` timed GETs.

The test environment (setup_test_environment) is deliberately not installed: it wraps every
template render in a signal, and xtd renders its tree template once per nesting level of
every thread, so it would charge xtd for instrumentation rather than for its own work.
"""

import argparse
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.xtd_site.settings"
GET_LIMIT_S = 60
TOP_LEVEL_SHARE = 0.3
MAX_LEVEL = 7  # bench/xtd_site/settings.py's COMMENTS_XTD_MAX_THREAD_LEVEL


class XtdError(RuntimeError):
    """The measuring process failed; the message carries its report."""


class XtdUnavailable(XtdError):
    """django-comments-xtd is not installed in this interpreter."""


class NotFinished(XtdError):
    """One GET took longer than GET_LIMIT_S: the size is out of xtd's reach here."""


def measure(n, runs=15, seed=0):
    """Time xtd's whole-discussion page at `n` comments in a child process; see the module."""
    if n < 1 or runs < 1:
        raise ValueError("n and runs must be at least 1")
    return _run_child(["--comments", str(n), "--runs", str(runs), "--seed", str(seed)], runs)


def verify(n=40, seed=0):
    """Check in a child process that the bulk insert stores what xtd's save() would store."""
    return _run_child(["--comments", str(n), "--seed", str(seed), "--verify"], 1)


def _run_child(arguments, runs):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(ROOT)}
    # Building 100,000 rows takes about a minute here; each GET is cut off by the child itself.
    limit = 600 + GET_LIMIT_S * (runs + 2)
    try:
        process = subprocess.run(
            [sys.executable, "-m", "bench.xtd", "--child", *arguments],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired as error:
        raise NotFinished(f"not finished: the xtd process ran past {limit} s") from error
    lines = process.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = process.stderr.strip()[-2000:]
        raise XtdError(f"the xtd process (exit {process.returncode}) said:\n{tail}") from None
    if "error" in report:
        kind = {"unavailable": XtdUnavailable, "not finished": NotFinished}.get(
            report["error"], XtdError
        )
        raise kind(f"{report['error']}: {report.get('detail', '')}")
    return report


# The discussion: plain data, no Django, the same for every seed on every machine.

FIRST_NAMES = [
    "Amelia",
    "Björn",
    "Chloé",
    "Dmitri",
    "Émile",
    "Fatima",
    "Grace",
    "Hiroshi",
    "Ingrid",
    "José",
    "Kwame",
    "Łukasz",
    "Maëlys",
    "Nadia",
    "Oğuz",
    "Priya",
    "Quentin",
    "Rosa",
    "Siobhán",
    "Tomás",
    "Ulla",
    "Viktor",
    "Wen",
    "Xóchitl",
    "Yusuf",
    "Zoë",
    "Ana",
    "Ben",
]
LAST_NAMES = [
    "Okafor",
    "Müller",
    "Nakamura",
    "O'Brien",
    "García",
    "Kowalski",
    "Dubois",
    "Ivanova",
    "Smith",
    "Haddad",
    "Rossi",
    "Nguyen",
    "Johansson",
    "Papadopoulos",
    "Da Silva",
    "Kim",
    "Fernández",
    "Schmidt",
    "Chen",
    "Van der Berg",
    "Singh",
    "Novák",
    "Yılmaz",
    "Brown",
]
WORDS = (  # noqa: SIM905 - a block of words reads better than a list of 95 strings
    "the a of and to in is that it for on with as this was but not you are have be at by "
    "comment post thread reply point argument example reason idea question answer source "
    "really quite agree disagree think believe read wrote said claim evidence data "
    "benchmark cache query page tree node level depth render template database index "
    "naïve café façade über résumé Zürich São Paulo Kraków smörgåsbord jalapeño "
    "日本語 中文 русский ελληνικά العربية हिन्दी 😀 👍🏽 🎉 🤔 ❤️ "
    '<b>bold</b> <script>alert(1)</script> &amp; &lt;tag&gt; x<y y>z "quoted" it\'s a&b '
    "https://example.com/some/path?x=1&y=2 C++ 1,000 3.14 -> => 100% #hashtag @mention"
).split()


def discussion(n, seed=0, max_level=MAX_LEVEL):
    """Return n comments as dicts in the order they were posted, parents before replies.

    Each dict has parent (an index into the list, or None), level, name, email and body.
    """
    rng = random.Random(seed)
    comments, levels = [], []
    # One entry per comment that may still be replied to, plus one more per reply it got:
    # a uniform draw from this list is preferential attachment, in constant time.
    repliable = []
    for index in range(n):
        if index == 0 or not repliable or rng.random() < TOP_LEVEL_SHARE:
            parent, level = None, 0
        else:
            parent = rng.choice(repliable)
            level = levels[parent] + 1
            repliable.append(parent)
        levels.append(level)
        if level < max_level:
            repliable.append(index)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        comments.append(
            {
                "parent": parent,
                "level": level,
                "name": f"{first} {last}",
                "email": f"reader{rng.randrange(n // 3 + 1)}@example.com",
                "body": _body(rng),
            }
        )
    return comments


def _body(rng):
    # Log-normal lengths: mostly a few hundred characters, a long tail up to 1,200.
    length = min(1200, max(20, int(rng.lognormvariate(math.log(280), 0.75))))
    paragraphs, words, size = [], [], 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
        if len(words) > 12 and rng.random() < 0.04:
            paragraphs.append(" ".join(words) + ".")
            words = []
    if words:
        paragraphs.append(" ".join(words) + ".")
    return "\n\n".join(paragraphs)[:length].strip() or "ok"


def thread_columns(comments, pks):
    """xtd's thread columns for each comment, given the database ids in posting order.

    As XtdComment.save() stores them: a top-level comment is its own thread and parent;
    `order` numbers a thread's comments depth-first, a parent's replies in posting order (a
    new reply goes at the end of its parent's subtree); `nested_count` counts all of a
    comment's descendants. Returns (thread_id, parent_id, level, order, nested_count) tuples.
    """
    roots, children = [], [[] for _ in comments]
    for index, comment in enumerate(comments):
        if comment["parent"] is None:
            roots.append(index)
        else:
            children[comment["parent"]].append(index)
    nested = [0] * len(comments)
    for index in range(len(comments) - 1, -1, -1):  # replies come after their parents
        parent = comments[index]["parent"]
        if parent is not None:
            nested[parent] += nested[index] + 1
    thread, order = [0] * len(comments), [0] * len(comments)
    for root in roots:
        stack, position = [root], 0
        while stack:
            index = stack.pop()
            position += 1
            thread[index], order[index] = pks[root], position
            stack.extend(reversed(children[index]))
    return [
        (
            thread[index],
            pks[index] if comment["parent"] is None else pks[comment["parent"]],
            comment["level"],
            order[index],
            nested[index],
        )
        for index, comment in enumerate(comments)
    ]


# The child process: xtd's site, the rows, the timed GETs.


def _child(options):
    try:
        import django
    except ImportError:
        return {"error": "unavailable", "detail": "Django is not installed"}
    try:
        import django_comments  # noqa: F401
        import django_comments_xtd  # noqa: F401
    except ImportError:
        return {
            "error": "unavailable",
            "detail": "django-comments-xtd is not installed: pip install -e '.[bench]'",
        }
    folder = tempfile.mkdtemp(prefix="bench-xtd-")
    try:
        os.environ["XTD_BENCH_DATABASE"] = str(Path(folder) / "xtd.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        django.setup()
        from django.core.management import call_command

        call_command("migrate", run_syncdb=True, verbosity=0)
        comments = discussion(options.comments, options.seed)
        if options.verify:
            return _verify(comments)
        article = _article()
        started = time.perf_counter()
        _insert(article, comments)
        build_s = time.perf_counter() - started
        report = _time_page(article.get_absolute_url(), options.runs)
        report.update(
            version=version("django-comments-xtd"),
            django=django.get_version(),
            n=options.comments,
            seed=options.seed,
            max_level=MAX_LEVEL,
            build_s=round(build_s, 2),
        )
        return report
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _article():
    from bench.xtd_site.models import Article

    return Article.objects.create(title="A long discussion", body="The post being discussed.")


def _rows(article, comments):
    """Unsaved django_comments rows for the discussion, posted a minute apart."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django_comments.models import Comment

    content_type = ContentType.objects.get_for_model(article)
    start = timezone.now() - timedelta(minutes=len(comments) + 1)
    return [
        Comment(
            content_type=content_type,
            object_pk=str(article.pk),
            site_id=settings.SITE_ID,
            user_name=comment["name"],
            user_email=comment["email"],
            comment=comment["body"],
            submit_date=start + timedelta(minutes=index),
            ip_address="127.0.0.1",
            is_public=True,
            is_removed=False,
        )
        for index, comment in enumerate(comments)
    ]


def _insert(article, comments):
    """Insert the discussion as xtd rows: two bulk inserts instead of xtd's per-row save().

    Django's bulk_create refuses multi-table inherited models such as XtdComment, so the
    parent rows go in through bulk_create (which returns their ids) and xtd's own table,
    whose key is the parent's id, through one executemany.
    """
    from django.db import connection, transaction
    from django_comments.models import Comment
    from django_comments_xtd.models import XtdComment

    with transaction.atomic():
        rows = Comment.objects.bulk_create(_rows(article, comments), batch_size=2000)
        pks = [row.pk for row in rows]
        quote = connection.ops.quote_name
        fields = ["comment_ptr", "thread_id", "parent_id", "level", "order", "nested_count"]
        columns = [XtdComment._meta.get_field(name).column for name in [*fields, "followup"]]
        sql = (
            f"INSERT INTO {quote(XtdComment._meta.db_table)} "
            f"({', '.join(quote(column) for column in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        values = [
            (pk, *columns_of_row, False)
            for pk, columns_of_row in zip(pks, thread_columns(comments, pks), strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)


def _verify(comments):
    """Build the discussion twice, by xtd's save() and in bulk, and compare the columns."""
    from django.db import transaction
    from django_comments_xtd.models import XtdComment

    def structure(article):
        rows = list(
            XtdComment.norel_objects.filter(object_pk=str(article.pk)).order_by("submit_date")
        )
        position = {row.pk: index for index, row in enumerate(rows)}
        return [
            (
                position[row.thread_id],
                position[row.parent_id],
                row.level,
                row.order,
                row.nested_count,
            )
            for row in rows
        ]

    by_save = _article()
    saved = []
    with transaction.atomic():  # one commit, not one per save: the answer is the same
        for row, comment in zip(_rows(by_save, comments), comments, strict=True):
            fields = {field.attname: getattr(row, field.attname) for field in row._meta.fields}
            fields.pop("id")
            parent = comment["parent"]
            xtd = XtdComment(**fields, parent_id=0 if parent is None else saved[parent].pk)
            xtd.save()
            saved.append(xtd)
    in_bulk = _article()
    _insert(in_bulk, comments)
    expected, got = structure(by_save), structure(in_bulk)
    return {
        "same": expected == got,
        "comments": len(got),
        "max_level": max(row[2] for row in got),
        "mismatches": [
            {"index": index, "save": list(a), "bulk": list(b)}
            for index, (a, b) in enumerate(zip(expected, got, strict=True))
            if a != b
        ][:5],
    }


class _SlowGet(Exception):
    pass


def _alarm(signum, frame):
    raise _SlowGet


def _time_page(url, runs):
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    signal.signal(signal.SIGALRM, _alarm)

    def get():
        signal.setitimer(signal.ITIMER_REAL, GET_LIMIT_S)
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            return response, time.perf_counter() - wall, time.process_time() - cpu
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    times, cpu_times = [], []
    try:
        response, first_s, _ = get()  # warm-up: templates, content types, the site row
        if response.status_code != 200:
            return {"error": "failed", "detail": f"the page answered {response.status_code}"}
        with CaptureQueriesContext(connection) as captured:
            get()
        # Read now: each request clears the connection's query log (request_started).
        queries = len(captured.captured_queries)
        for _ in range(runs):
            _, wall, cpu = get()
            times.append(wall * 1000)
            cpu_times.append(cpu * 1000)
    except _SlowGet:
        done = f"{len(times)} timed GETs done" if times else "during the first GETs"
        return {"error": "not finished", "detail": f"a GET took over {GET_LIMIT_S} s ({done})"}
    html = response.content.decode()
    return {
        "ms": round(statistics.median(times), 1),
        "p90_ms": round(_p90(times), 1),
        "min_ms": round(min(times), 1),
        "cpu_ms": round(statistics.median(cpu_times), 1),
        "first_ms": round(first_s * 1000, 1),
        "runs": runs,
        "queries": queries,
        "bytes": len(response.content),
        # xtd's tree template opens each comment with <div id="c<pk>" class="comment...">.
        "comments": len(re.findall(r'<div id="c\d+" class="comment', html)),
    }


def _p90(values):
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verify", action="store_true", help="compare bulk rows with save()")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        try:
            report = _child(options)
        except Exception:  # noqa: BLE001 - reported to the parent, which raises
            report = {"error": "failed", "detail": traceback.format_exc(limit=-3)}
        print(json.dumps(report))
        return
    try:
        if options.verify:
            report = verify(options.comments, options.seed)
        else:
            report = measure(options.comments, options.runs, options.seed)
    except XtdError as error:
        sys.exit(str(error))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
