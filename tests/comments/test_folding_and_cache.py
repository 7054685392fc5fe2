"""Folding ("Continue this thread"), thread pages and the cache of drawn threads."""

import re

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.pages import comment_url, load_page
from comments.posting import change_status, change_text
from comments.viewer import SESSION_KEY
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

SHOWN = re.compile(r'<article id="comment-(\d+)"')


def _shown(html):
    return [int(pk) for pk in SHOWN.findall(html)]


def _chain(post, depth):
    """One thread, each comment replying to the one before: [root, level 1, level 2, ...]."""
    comments = [CommentFactory(post=post, stored=True)]
    for _ in range(depth - 1):
        comments.append(CommentFactory(post=post, parent=comments[-1], stored=True))
    return comments


def test_replies_past_the_fifth_level_are_one_link_away(client, settings):
    settings.COMMENTS_MAX_DEPTH = 8
    post = PostFactory()
    chain = _chain(post, 8)
    page = client.get(post.get_absolute_url()).text
    assert _shown(page) == [c.pk for c in chain[:5]]
    link = re.search(r'<a href="([^"]+)">Continue this thread \(3 replies\)</a>', page)
    assert link, "the fifth-level comment links to its thread page"
    thread = client.get(link.group(1))
    assert thread.status_code == 200
    assert _shown(thread.text) == [c.pk for c in chain[4:]]
    assert '<meta name="robots" content="noindex, follow">' in thread.text
    canonical = f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">'
    assert canonical in thread.text
    # A permalink to a folded comment leads to the thread page that shows it.
    deep = chain[-1]
    assert client.get(deep.get_absolute_url()).url == (
        f"/comments/{chain[4].pk}/thread/#comment-{deep.pk}"
    )
    assert client.get(chain[2].get_absolute_url()).url.startswith(post.get_absolute_url())


def test_a_long_thread_shows_its_first_twenty_replies_then_a_link(client, settings):
    post = PostFactory()
    root = CommentFactory(post=post, stored=True)
    replies = [CommentFactory(post=post, parent=root, stored=True) for _ in range(25)]
    page = client.get(post.get_absolute_url()).text
    assert _shown(page) == [root.pk] + [r.pk for r in replies[:20]]
    assert "Continue this thread (5 more replies)" in page
    assert client.get(replies[22].get_absolute_url()).url == (
        f"/comments/{root.pk}/thread/#comment-{replies[22].pk}"
    )
    thread = client.get(f"/comments/{root.pk}/thread/").text
    assert _shown(thread) == [root.pk] + [r.pk for r in replies]


def test_a_thread_page_comes_in_pages(client, settings):
    settings.COMMENTS_THREAD_PAGE = 10
    post = PostFactory()
    root = CommentFactory(post=post, stored=True)
    replies = [CommentFactory(post=post, parent=root, stored=True) for _ in range(24)]
    second = client.get(f"/comments/{root.pk}/thread/?page=2").text
    assert _shown(second) == [r.pk for r in replies[9:19]]
    assert 'rel="prev"' in second and 'rel="next"' in second
    assert client.get(f"/comments/{root.pk}/thread/?page=x").status_code == 200
    assert client.get(f"/comments/{root.pk}/thread/?page=999").status_code == 200
    assert client.get(replies[23].get_absolute_url()).url == (
        f"/comments/{root.pk}/thread/?page=3#comment-{replies[23].pk}"
    )


def test_a_thread_page_of_nothing_visible_is_a_404(client):
    root = CommentFactory(stored=True, status="removed")
    assert client.get(f"/comments/{root.pk}/thread/").status_code == 404
    assert client.get("/comments/999999/thread/").status_code == 404


def test_past_the_page_budget_threads_show_their_top_comment_alone(client, settings):
    settings.COMMENTS_PAGE_COMMENTS = 12
    post = PostFactory()
    threads = []
    for _ in range(3):
        root = CommentFactory(post=post, stored=True)
        replies = [CommentFactory(post=post, parent=root, stored=True) for _ in range(6)]
        threads.append([root, *replies])
    page = client.get(post.get_absolute_url()).text
    shown = _shown(page)
    assert [c.pk for c in threads[0] + threads[1]] == shown[:14]
    assert shown[14:] == [threads[2][0].pk]
    assert "Continue this thread (6 more replies)" in page
    assert client.get(threads[2][3].get_absolute_url()).url == (
        f"/comments/{threads[2][0].pk}/thread/#comment-{threads[2][3].pk}"
    )


def test_the_page_list_stays_short(client, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    post = PostFactory()
    for _ in range(40):
        CommentFactory(post=post, stored=True)
    page = client.get(post.get_absolute_url() + "?cpage=20").text
    numbers = re.findall(r"\?cpage=(\d+)", page.split('class="comment-pages"')[1])
    assert numbers == ["1", "2", "18", "19", "21", "22", "39", "40"]
    assert page.count("comment-pages-gap") == 2


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    if request.param == "redis":
        import os

        url = os.environ.get("TEST_REDIS_URL")
        if not url:
            pytest.skip("TEST_REDIS_URL is not set")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"test-threads-{os.getpid()}",
            }
        }
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


def test_the_cache_shows_every_change_at_once_on_every_page(cache_backend, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    post = PostFactory()
    roots = [CommentFactory(post=post, stored=True) for _ in range(6)]
    reader = Client()
    pages = [post.get_absolute_url() + f"?cpage={n}" for n in (1, 2, 3)]
    for url in pages:
        reader.get(url)  # the cache is warm now
    reply = CommentFactory(post=post, parent=roots[3], stored=True)
    assert f'id="comment-{reply.pk}"' in reader.get(pages[1]).text
    held = CommentFactory(post=post, parent=roots[5], stored=True, status="pending")
    poster = Client()
    session = poster.session
    session[SESSION_KEY] = [held.pk]
    session.save()
    assert f'id="comment-{held.pk}"' in poster.get(pages[2]).text
    assert f'id="comment-{held.pk}"' not in reader.get(pages[2]).text
    change_status(type(held).objects.filter(pk=reply.pk), "removed")
    assert f'id="comment-{reply.pk}"' not in reader.get(pages[1]).text
    change_text(roots[0], "A corrected text.")
    assert "A corrected text." in reader.get(pages[0]).text
    change_status(type(held).objects.filter(pk=roots[4].pk), "removed")
    assert f'id="comment-{roots[4].pk}"' not in reader.get(pages[2]).text


def test_a_cached_page_is_the_same_as_one_drawn_afresh(client, settings, whole_discussion):
    from tests.factories import make_forest

    post = PostFactory()
    make_forest(post, 300, threads=40, max_level=5)
    settings.COMMENTS_THREAD_CACHE = False
    fresh = client.get(post.get_absolute_url()).content
    settings.COMMENTS_THREAD_CACHE = True
    client.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as warm:
        cached = client.get(post.get_absolute_url()).content

    def without_per_viewer_parts(content):
        # The CSRF token and the form's signed time stamp differ on every request.
        content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
        return re.sub(rb'name="rendered" value="[^"]+"', b"", content)

    assert without_per_viewer_parts(cached) == without_per_viewer_parts(fresh)
    assert len(warm) < 8


def test_staff_see_their_links_on_cached_threads(client, admin_user):
    post = PostFactory()
    comment = CommentFactory(post=post, stored=True)
    Client().get(post.get_absolute_url())
    client.force_login(admin_user)
    page = client.get(post.get_absolute_url()).text
    assert f"/admin/comments/comment/{comment.pk}/change/" in page


def test_comment_url_is_where_the_comment_is(settings):
    post = PostFactory()
    comment = CommentFactory(post=post, stored=True)
    assert comment_url(comment) == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert load_page(post).comments_shown == 1


def test_a_busy_thread_reads_the_comments_it_shows_only(client, settings):
    """A thread of 150 replies shows 21 comments: the page reads those (its head, through
    the index, with a LIMIT) and the thread's hidden comments, not its 150 rows; the counts
    of its links come from the nested set. Placeholders and stale fragments are drawn as
    ever."""
    from comments.models import Comment, Fragment

    post = PostFactory()
    root = CommentFactory(post=post, stored=True)
    replies = [CommentFactory(post=post, parent=root, stored=True) for _ in range(150)]
    answer = CommentFactory(post=post, parent=replies[3], stored=True)
    Comment.objects.filter(pk=replies[3].pk).update(status="removed")
    Comment.objects.filter(pk=replies[1].pk).update(status="spam")
    Fragment.objects.filter(pk=replies[2].pk).update(version="stale")
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(post.get_absolute_url()).text
    assert _shown(page) == [root.pk, replies[0].pk] + [r.pk for r in replies[2:4]] + [answer.pk] + [
        r.pk for r in replies[4:20]
    ]
    assert "This comment was removed" in page and f'id="comment-{replies[2].pk}"' in page
    assert "Continue this thread (130 more replies)" in page
    walked = [q["sql"] for q in page_queries if 'AS "html_version"' in q["sql"]]
    # The root, the 20 replies the fold draws and the cut: published comments only.
    assert len(walked) == 1 and "LIMIT 22" in walked[0]


def test_a_long_thread_page_reads_the_comments_of_its_page_only(client):
    """A thread page draws its comments from their rows (its links lead back to the post
    page): a thread of 200 replies is walked without the stored HTML, and the full rows are
    read for the 50 comments of the page."""
    from comments.models import Comment

    post = PostFactory()
    root = CommentFactory(post=post, stored=True)
    replies = [CommentFactory(post=post, parent=root, stored=True) for _ in range(200)]
    Comment.objects.filter(pk=replies[60].pk).update(status="removed")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"/comments/{root.pk}/thread/?page=2").text
    assert _shown(second) == [r.pk for r in replies[49:60] + replies[61:100]]
    walked = [q["sql"] for q in queries if 'AS "html_version"' in q["sql"]]
    assert len(walked) == 1 and "comments_fragment" not in walked[0]


def _random_discussion(post, rng, *, threads, comments, pending_share):
    """A forest of threads of very different sizes (a few busy ones), with comments held,
    removed, marked spam or deleted here and there, some below hidden ones."""
    from comments.models import Comment

    statuses = ["approved"] * 14 + ["pending", "removed", "spam", "deleted"]
    nodes = []
    for index in range(comments):
        parent = None
        if nodes and index >= threads:
            # Preferential attachment: early threads grow busy.
            parent = nodes[min(int(rng.paretovariate(0.6)) - 1, len(nodes) - 1)]
            if parent.level >= 7:
                parent = None
        status = rng.choice(statuses) if rng.random() < pending_share else "approved"
        nodes.append(CommentFactory(post=post, parent=parent, status=status, stored=True))
    return list(Comment.objects.filter(post=post))


@pytest.mark.parametrize("seed", range(8))
def test_threads_read_from_their_head_are_drawn_as_a_walk_of_every_row_draws_them(
    settings, monkeypatch, seed
):
    """Busy threads are drawn from their head and the nested-set counts (pages._heads); the
    page is byte for byte the page a walk of all their rows draws, for any mix of hidden
    comments, the viewer's own held ones, fold settings and pages."""
    import random

    from comments import pages

    rng = random.Random(seed)
    settings.COMMENTS_MAX_DEPTH = 8
    settings.COMMENTS_THREAD_CACHE = False
    settings.COMMENTS_FOLD_DEPTH = rng.choice([0, 2, 3, 5])
    settings.COMMENTS_FOLD_REPLIES = rng.choice([1, 3, 5])
    settings.COMMENTS_PAGE_COMMENTS = rng.choice([0, 8, 20])
    settings.COMMENTS_THREAD_PAGE = rng.choice([2, 5, 50])
    settings.COMMENTS_THREADS_PER_PAGE = rng.choice([2, 4])
    post = PostFactory()
    everything = _random_discussion(post, rng, threads=6, comments=160, pending_share=0.3)
    held = [c.pk for c in everything if c.status == "pending"]
    monkeypatch.setattr(pages, "BUSY_SLACK", 0)
    heads = []
    original = pages._heads
    monkeypatch.setattr(pages, "_heads", lambda *a: heads.append(a[1]) or original(*a))
    for pending_ids in ([], rng.sample(held, min(3, len(held)))):
        for number in (1, 2, 3):
            for order in ("oldest", "replies"):
                head_page = load_page(post, number=number, order=order, pending_ids=pending_ids)
                monkeypatch.setattr(pages, "BUSY_SLACK", 10**9)
                walked = load_page(post, number=number, order=order, pending_ids=pending_ids)
                monkeypatch.setattr(pages, "BUSY_SLACK", 0)
                assert head_page.html == walked.html
                assert head_page.comments_shown == walked.comments_shown
    assert heads, "some threads were read from their head"


def test_a_page_of_more_threads_than_an_id_list_holds_is_drawn_from_a_range(
    client, settings, whole_discussion, monkeypatch
):
    """Past pages.MANY_TREES threads the page's queries select a range of tree ids (a whole
    discussion of 100,000 comments has more threads than SQLite takes parameters); the other
    posts' threads inside that range stay out, and the cached page is the same."""
    from comments import pages

    monkeypatch.setattr(pages, "MANY_TREES", 3)
    post = PostFactory()
    mine = []
    for _ in range(6):
        mine.append(CommentFactory(post=post, stored=True))
        CommentFactory(post=post, parent=mine[-1], stored=True)
        CommentFactory(stored=True)  # another post's thread, between this post's tree ids
    shown = _shown(client.get(post.get_absolute_url()).text)
    assert len(shown) == 12 and {c.pk for c in mine} <= set(shown)
    assert _shown(client.get(post.get_absolute_url()).text) == shown  # from the cache
    # A reader with a session is not served the whole page: the thread list and threads
    # come from the cache, their keys from the top comments' stamps, read by range.
    reader = Client()
    reader.cookies[settings.SESSION_COOKIE_NAME] = "a-session"
    response = reader.get(post.get_absolute_url())
    assert "X-Page-Cache" not in response and _shown(response.text) == shown
    reply = CommentFactory(post=post, parent=mine[2], stored=True)
    after = _shown(reader.get(post.get_absolute_url()).text)
    assert reply.pk in after and set(after) == {*shown, reply.pk}


@pytest.mark.parametrize("depth, replies, budget", [(5, 20, 60), (3, 4, 12), (0, 6, 0), (4, 0, 0)])
def test_a_page_of_busy_threads_is_read_in_one_query_whichever_way_its_trees_are_chosen(
    settings, monkeypatch, depth, replies, budget
):
    """Busy threads' heads and the other threads' rows come in one query, with no second
    read of the HTML; listing the trees or selecting their range gives the same page, with
    removed and held comments (placeholders), the viewer's own held ones, and threads past
    the page's budget."""
    import random

    from comments import pages
    from comments.models import Comment
    from tests.factories import make_forest

    settings.COMMENTS_THREAD_CACHE = False
    settings.COMMENTS_FOLD_DEPTH, settings.COMMENTS_FOLD_REPLIES = depth, replies
    settings.COMMENTS_PAGE_COMMENTS = budget
    post = PostFactory()
    nodes = make_forest(post, 600, threads=8, max_level=12, seed=7)
    rng = random.Random(depth * 100 + replies)
    removed = [n.pk for n in nodes if rng.random() < 0.15]
    held = [n.pk for n in nodes if n.pk not in removed and rng.random() < 0.1]
    Comment.objects.filter(pk__in=removed).update(status="removed")
    Comment.objects.filter(pk__in=held).update(status="pending")
    own = set(held[::2])
    folded = pages.load_page(post, pending_ids=own)
    with CaptureQueriesContext(connection) as queries:
        pages.load_page(post, pending_ids=own)
    second_reads = [q for q in queries if 'AS "stored"' in q["sql"] and 'AS "pk"' not in q["sql"]]
    assert not second_reads
    monkeypatch.setattr(pages, "MANY_TREES", 0)  # a range of tree ids
    plain = pages.load_page(post, pending_ids=own)
    assert folded.parts == plain.parts and folded.comments_shown == plain.comments_shown
    assert folded.comments_shown < 600


def test_a_head_crowded_with_hidden_comments_is_read_in_the_same_query(settings, monkeypatch):
    """A busy thread's head counts published comments only: removed and held replies before
    its first published ones (the post's hidden comments come with the head anyway) neither
    take its place nor make a second read, and the page is the one a walk of every row draws."""
    from comments import pages
    from comments.models import Comment

    settings.COMMENTS_THREAD_CACHE = False
    settings.COMMENTS_FOLD_DEPTH, settings.COMMENTS_FOLD_REPLIES = 5, 4
    settings.COMMENTS_PAGE_COMMENTS = 0
    monkeypatch.setattr(pages, "BUSY_SLACK", 0)
    post = PostFactory()
    root = CommentFactory(post=post, stored=True)
    hidden = [CommentFactory(post=post, parent=root, stored=True) for _ in range(30)]
    shown = [CommentFactory(post=post, parent=root, stored=True) for _ in range(30)]
    Comment.objects.filter(pk__in=[c.pk for c in hidden[::2]]).update(status="removed")
    Comment.objects.filter(pk__in=[c.pk for c in hidden[1::2]]).update(status="pending")
    # A removed reply with a published one below it is a placeholder.
    CommentFactory(post=post, parent=hidden[0], stored=True)
    heads = []
    original = pages._heads
    monkeypatch.setattr(pages, "_heads", lambda *a: heads.append(a[1]) or original(*a))
    with CaptureQueriesContext(connection) as queries:
        page = pages.load_page(post)
    assert heads == [[root.tree_id]]
    walks = [q["sql"] for q in queries if 'AS "html_version"' in q["sql"]]
    assert len(walks) == 1
    monkeypatch.setattr(pages, "BUSY_SLACK", 10**9)
    walked = pages.load_page(post)
    assert page.html == walked.html and page.comments_shown == walked.comments_shown
    # The root, the placeholder and the reply below it, then two published replies: four
    # replies, and the thread continues at the third published one.
    assert page.comments_shown == 1 + 1 + 1 + 2
    assert "This comment was removed" in page.html
    assert f'id="comment-{shown[1].pk}"' in page.html
    assert f'id="comment-{shown[2].pk}"' not in page.html
    assert f'#comment-{shown[2].pk}">Continue this thread (28 more replies)' in page.html


def _busy_walk():
    """The SQL of a page's walk of two busy threads (one folded at depth 5) and two read
    whole, with the post's hidden comments."""
    from comments import pages

    post = PostFactory()
    CommentFactory(post=post)
    query = pages._heads_query([post.pk], [1, 2], [3, 4], [(5, 22), (None, 2)], "list")
    return query.query.sql_with_params()


def test_a_busy_threads_head_is_read_in_order_from_the_index_alone():
    """Each busy thread's head walks its (post, tree_id, lft, level, status) index in order,
    once, and stops at its LIMIT; the rows are then fetched by id. Through any other index
    SQLite read every published comment of the post and sorted them, for each thread (page
    1 of 100,000 comments: 450 ms); as an OR of the heads, each was read twice."""
    if connection.vendor != "sqlite":
        pytest.skip("the planner's choice is read on SQLite; PostgreSQL costs a tiny table")
    sql, params = _busy_walk()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    heads = [step for step in plan if "comment_post_tree_head (post_id=? AND tree_id=?)" in step]
    # The two heads and the whole threads' rows, each from the index alone.
    assert len(heads) == 3 and all("COVERING INDEX" in step for step in heads), plan
    assert sum("TEMP B-TREE" in step for step in plan) == 1, plan  # the final thread order
    assert not any(step.startswith("SCAN") for step in plan), plan


def test_a_page_of_busy_threads_reads_no_whole_table_on_postgresql():
    """PostgreSQL reaches every row of the page's walk through an index. As an OR of the
    heads and the hidden comments it could only scan the whole comment table and its
    fragments (15 ms at 10,000 comments, growing with the table, whatever the page)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's plan is read in the test above")
    sql, params = _busy_walk()
    with transaction.atomic(), connection.cursor() as cursor:
        # A tiny table is cheapest to scan: make scans the last resort, as on a big one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    plan = "\n".join(lines)
    # Every scan of a table or an index is bounded by a condition on the index (a scan of a
    # whole index, filtered row by row, reads the table as surely as a Seq Scan does).
    scans = [i for i, line in enumerate(lines) if " Scan " in line and "Subquery Scan" not in line]
    assert scans, plan
    for i in scans:
        assert "Seq Scan" not in lines[i], plan
        details = []
        for line in lines[i + 1 :]:
            if "->" in line:
                break
            details.append(line)
        assert any("Index Cond" in d or "Recheck Cond" in d for d in details), (lines[i], plan)
