"""Searching published posts: one module that builds every query, the database's own engine
underneath.

- PostgreSQL: a stored tsvector (Post.search_vector, GIN index) built with the site's text
  search configuration (settings.BLOG_SEARCH_CONFIG), websearch_to_tsquery for the reader's
  words (it never fails on operators or quotes), ts_rank for the order and ts_headline for
  the snippets.
- SQLite: an FTS5 table (blog_post_fts, rowid = post id, made by migration 0004) with the
  porter stemmer, a MATCH expression built here from the reader's words (each word quoted, so
  nothing the reader types is FTS5 syntax), bm25() for the order and snippet().

Both index the same text: title (weighted most), standfirst, the names of the post's
categories and tags, and the body as plain text (Post.body_text). index_posts() keeps the
index in step; blog/signals.py calls it after a post, its categories or tags, or a category's
or tag's name change, and `manage.py rebuild_search_index` redoes it all. Only published
posts are ever found: the visibility rule is Post.objects.published(), applied at query time.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.utils.functional import cached_property

from .models import Post

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
RESULTS_PER_PAGE = 10
# Highlight marks inside snippets: characters no post text holds once control characters are
# stripped, so the snippet is split on them and drawn by the template (no HTML from here).
MARK_START = "\x02"
MARK_END = "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Query:
    """The reader's query, cleaned: `text` to show and search, `note` to explain changes."""

    text: str
    terms: tuple  # ((negated, (word, ...)), ...): a phrase of one or more words
    note: str = ""

    @property
    def is_empty(self):
        return not any(not negated for negated, _ in self.terms)


def parse(raw):
    """A Query from what the reader typed, whatever it is (NUL, 10,000 characters, syntax)."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", raw or ""))
    text = " ".join(text.split())
    note = ""
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        note = f"Only the first {MAX_QUERY_CHARS} characters of your search were used."
    terms = []
    for match in _TERM.finditer(text):
        negated = bool(match.group(1) or match.group(3))
        words = tuple(
            _WORD.findall(match.group(2) if match.group(2) is not None else match.group(4))
        )
        if words:
            terms.append((negated, words))
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        note = f"Only the first {MAX_TERMS} words of your search were used."
    return Query(text=text, terms=tuple(terms), note=note)


@dataclass
class Hit:
    post: Post
    snippet: list = field(default_factory=list)  # [(text, highlighted), ...]


@dataclass
class Results:
    query: Query
    page: object = None  # a Paginator page of post ids, or None for an empty query
    hits: list = field(default_factory=list)

    @property
    def count(self):
        return self.page.paginator.count if self.page is not None else 0


def search(raw, *, page_number=1, per_page=RESULTS_PER_PAGE):
    """The page `page_number` of published posts matching `raw`, best first."""
    query = parse(raw)
    if query.is_empty:
        return Results(query=query)
    engine = get_engine()
    paginator = Paginator(_Matches(engine, query), per_page)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    rows = list(page.object_list)
    posts = Post.objects.for_listing().in_bulk([pk for pk, _ in rows])
    hits = [Hit(post=posts[pk], snippet=split_snippet(snippet)) for pk, snippet in rows]
    return Results(query=query, page=page, hits=hits)


class _Matches:
    """What the Paginator slices: the count and pages come from the engine."""

    def __init__(self, engine, query):
        self.engine, self.query = engine, query

    @cached_property
    def _count(self):
        return self.engine.count(self.query)

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, window):
        return self.engine.page(self.query, window.start or 0, window.stop - (window.start or 0))


def split_snippet(snippet):
    """[(text, highlighted)] from a snippet marked with MARK_START / MARK_END."""
    parts = []
    for index, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", snippet or "")):
        if piece:
            parts.append((piece, index % 2 == 1))
    return parts


def index_text(post):
    """The texts a post is found by: (title, standfirst, terms, body)."""
    names = [c.name for c in post.categories.all()] + [t.name for t in post.tags.all()]
    return post.title, post.standfirst, " ".join(names), post.body_text


def index_posts(pks):
    """Bring the index of these posts up to date (missing posts are removed from it)."""
    pks = list(pks)
    if pks:
        get_engine().index(Post.objects.filter(pk__in=pks).prefetch_related("categories", "tags"))


def rebuild_index():
    """Index every post again; returns how many were indexed."""
    engine = get_engine()
    engine.clear()
    posts = Post.objects.order_by("pk").prefetch_related("categories", "tags")
    engine.index(posts)
    return posts.count()


def get_engine():
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()


class PostgresEngine:
    def config(self):
        return settings.BLOG_SEARCH_CONFIG

    def _query(self, query):
        from django.contrib.postgres.search import SearchQuery

        # websearch_to_tsquery reads quotes, "or" and "-word" itself and never raises; it is
        # given the words we kept (no NUL, no control characters).
        parts = []
        for negated, words in query.terms:
            phrase = " ".join(words)
            parts.append(("-" if negated else "") + (f'"{phrase}"' if len(words) > 1 else phrase))
        return SearchQuery(" ".join(parts), search_type="websearch", config=self.config())

    def _matches(self, query):
        from django.contrib.postgres.search import SearchRank
        from django.db.models import F

        tsquery = self._query(query)
        return (
            Post.objects.published()
            .filter(search_vector=tsquery)
            # F(), not the field's name: a name would be wrapped in to_tsvector() again,
            # losing the stored weights.
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
        ), tsquery

    def count(self, query):
        matches, _ = self._matches(query)
        return matches.count()

    def page(self, query, start, length):
        from django.contrib.postgres.search import SearchHeadline

        matches, tsquery = self._matches(query)
        matches = matches.annotate(
            snippet=SearchHeadline(
                "body_text",
                tsquery,
                config=self.config(),
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        ).order_by("-rank", "-published_at", "-pk")
        return list(matches.values_list("pk", "snippet")[start : start + length])

    def index(self, posts, model=Post):
        from django.contrib.postgres.search import SearchVector
        from django.db.models import Value

        config = self.config()
        for post in posts:
            title, standfirst, terms, body = index_text(post)
            vector = (
                SearchVector(Value(title), weight="A", config=config)
                + SearchVector(Value(standfirst), weight="B", config=config)
                + SearchVector(Value(terms), weight="B", config=config)
                + SearchVector(Value(body), weight="C", config=config)
            )
            model.objects.filter(pk=post.pk).update(search_vector=vector)

    def clear(self):
        Post.objects.update(search_vector=None)


class SqliteEngine:
    TABLE = "blog_post_fts"

    def _match(self, query):
        """An FTS5 MATCH expression in which every word is a quoted string."""

        def quoted(words):
            return '"' + " ".join(word.replace('"', '""') for word in words) + '"'

        wanted = " AND ".join(quoted(words) for negated, words in query.terms if not negated)
        for negated, words in query.terms:
            if negated:
                wanted = f"({wanted}) NOT {quoted(words)}"
        return wanted

    def _published(self):
        sql, params = Post.objects.published().values("pk").query.sql_with_params()
        return sql, list(params)

    def count(self, query):
        published, params = self._published()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.TABLE} WHERE {self.TABLE} MATCH %s"
                f" AND rowid IN ({published})",
                [self._match(query), *params],
            )
            return cursor.fetchone()[0]

    def page(self, query, start, length):
        published, params = self._published()
        with connection.cursor() as cursor:
            # bm25 weights follow the columns: title, standfirst, terms, body.
            cursor.execute(
                f"SELECT rowid, snippet({self.TABLE}, 3, %s, %s, ' … ', 24)"
                f" FROM {self.TABLE} WHERE {self.TABLE} MATCH %s AND rowid IN ({published})"
                f" ORDER BY bm25({self.TABLE}, 10.0, 4.0, 4.0, 1.0), rowid DESC"
                " LIMIT %s OFFSET %s",
                [MARK_START, MARK_END, self._match(query), *params, length, start],
            )
            return cursor.fetchall()

    def index(self, posts, model=Post):
        posts = list(posts)
        with connection.cursor() as cursor:
            for post in posts:
                cursor.execute(f"DELETE FROM {self.TABLE} WHERE rowid = %s", [post.pk])
                cursor.execute(
                    f"INSERT INTO {self.TABLE} (rowid, title, standfirst, terms, body)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [post.pk, *index_text(post)],
                )

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE}")
