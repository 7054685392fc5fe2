"""The post page as a reader without a session sees it, kept whole in Django's cache.

Most readers of an article have no session, no remembered details and no comment of their
own waiting: the page they get is everyone's page but for two values drawn for each request,
the CSRF token and the comment form's signed time stamp. So the finished page is stored once
with markers in place of those two, and each such reader gets a copy with fresh values: a
cache read, a query for the post's stamps and two substitutions, instead of building the
page (docs/performance.md).

The key names everything the page is drawn from, so a change makes new keys and old entries
age out (as the thread cache does, comments/caching.py):
- the post (its pk, `updated_at`, and `comments_stamp`, which every change to its
  discussion renews in the writing transaction: a comment, a moderation decision, an edit, a
  like, an editors' pick);
- the site stamp, renewed after the commit of any change to posts, categories, tags, the site
  settings, the moderation settings or users (the menu, the neighbours' links, the author's
  name, whether comments are open);
- this build of the site (its templates and static manifest), the address (scheme, host,
  the comment page and order asked for).

What changes with time alone (a discussion that closes at a set time, a scheduled post that
becomes a neighbour) is bounded by the entry's lifetime, POST_PAGE_CACHE_SECONDS, and a
discussion's closing time shortens it.

A request is served from here only when nothing in it can change the page: GET or HEAD,
no query but ?cpage= and ?corder=, and none of the cookies that make a page the viewer's own
(a session: signed in, held comments, messages; the commenter's remembered details and own
comments; comments/viewer.py). Everyone else gets the page drawn for them, as before.
"""

import hashlib
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from comments import viewer
from comments.drawing import fragment_version
from comments.forms import new_stamp
from comments.policy import get_policy

from .models import Post
from .views import page_post

SITE_STAMP_KEY = "post-page:site-stamp"
ALLOWED_QUERY = {"cpage", "corder"}
# The cookies that make a post page this viewer's own (the CSRF cookie does not: the token
# is drawn for each request; the liker's cookie only signs their likes).
VIEWER_COOKIES = (
    viewer.TOKEN_COOKIE,
    viewer.OWN_COOKIE,
    viewer.DETAILS_COOKIE,
)
# The settings a post page is drawn with (a test or the benchmark may change them).
DRAWING_SETTINGS = (
    "COMMENTS_THREADS_PER_PAGE",
    "COMMENTS_FOLD_DEPTH",
    "COMMENTS_FOLD_REPLIES",
    "COMMENTS_PAGE_COMMENTS",
    "COMMENTS_THREAD_PAGE",
    "COMMENTS_THREAD_CACHE",
    "COMMENTS_GRAVATAR",
    "TIME_ZONE",
)
# What precedes the two values drawn per request, as {% csrf_token %} and the comment form
# draw them. Text in a page (a comment, a post's body) may hold quotes unescaped, never a
# "<", so nothing but these inputs starts so.
CSRF_VALUE = b'<input type="hidden" name="csrfmiddlewaretoken" value="'
STAMP_VALUE = b'<input type="hidden" name="rendered" value="'
CSRF_MARK = b"\x00csrf\x00"
STAMP_MARK = b"\x00stamp\x00"


def site_changed(**kwargs):
    """Signal receiver (blog/apps.py): a new site stamp once the change is committed, so no
    reader stores the page as it was under the new stamp."""
    transaction.on_commit(lambda: cache.set(SITE_STAMP_KEY, secrets.token_hex(8), None))


def connect_signals():
    """site_changed() after saves and deletes of everything a post page shows besides the
    post's own row and discussion (BlogConfig.ready). QuerySet.update() sends no signal:
    Post.objects.publish() and unpublish() call site_changed() themselves."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from moderation.models import ModerationSettings

    from .models import Category, SiteSettings, SocialLink, Tag

    for model in (Post, Category, Tag, SiteSettings, SocialLink, ModerationSettings):
        post_save.connect(site_changed, sender=model, dispatch_uid=f"page-cache-{model}")
        post_delete.connect(site_changed, sender=model, dispatch_uid=f"page-cache-d-{model}")
    user = get_user_model()
    post_save.connect(site_changed, sender=user, dispatch_uid="page-cache-user")
    post_delete.connect(site_changed, sender=user, dispatch_uid="page-cache-d-user")
    for through in (Post.categories.through, Post.tags.through):
        m2m_changed.connect(site_changed, sender=through, dispatch_uid=f"page-cache-{through}")


def _site_stamp():
    return cache.get_or_set(SITE_STAMP_KEY, lambda: secrets.token_hex(8), None)


@lru_cache(maxsize=1)
def build_id():
    """Changes when this build draws pages differently: its templates, its static files'
    manifest, the stored comment fragments' version."""
    digest = hashlib.sha256(fragment_version().encode())
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _marked(content, marks):
    """`content` with the value after each occurrence of a key of `marks` replaced by its
    mark, in one bytes.find() pass per key and one join."""
    spans = []
    for before, mark in marks.items():
        at = content.find(before)
        while at != -1:
            start = at + len(before)
            end = content.find(b'"', start)
            spans.append((start, end, mark))
            at = content.find(before, end)
    if not spans:
        return content
    pieces = []
    done = 0
    for start, end, mark in sorted(spans):
        pieces += (content[done:start], mark)
        done = end
    pieces.append(content[done:])
    return b"".join(pieces)


def _eligible(request):
    if request.method not in ("GET", "HEAD") or not settings.POST_PAGE_CACHE_SECONDS:
        return False
    if not set(request.GET) <= ALLOWED_QUERY:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return not any(name in cookies for name in VIEWER_COOKIES)


def _lifetime(post, now):
    """Seconds the page may be kept: POST_PAGE_CACHE_SECONDS, or less when the discussion
    closes sooner (the policy's closes_at, the rule its comments_open() applies)."""
    seconds = settings.POST_PAGE_CACHE_SECONDS
    closes = get_policy().closes_at(post)
    if closes is not None and closes > now:
        seconds = min(seconds, max(1, int((closes - now).total_seconds())))
    return seconds


class PostPageCacheMiddleware:
    """Serves and stores the post page for readers _eligible() (see the module's docstring).
    In MIDDLEWARE inside the session, CSRF and authentication middleware, and inside
    comments.middleware.ThreadSplicingMiddleware: it stores the page around its threads
    (with their markers) and the threads' parts apart, so that the per-request values are
    looked for in the page's few kilobytes and the threads, however many megabytes, are
    copied once, by the splicing, on a hit as on a miss.

    The decision is made in process_view(), once the address is resolved: other pages cost
    nothing here. The post read for the key is handed to the view (request.page_post), so a
    miss reads it once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        page_key = getattr(request, "page_cache_key", None)
        if page_key is None:
            return response
        session = getattr(request, "session", None)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Content-Encoding")
            and not (session is not None and session.modified)
        ):
            content = _marked(response.content, {CSRF_VALUE: CSRF_MARK, STAMP_VALUE: STAMP_MARK})
            headers = [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in ("content-length", "set-cookie")
            ]
            splices = list(getattr(request, "comment_splices", {}).items())
            cache.set(page_key, (headers, content, splices), request.page_cache_lifetime)
            response["X-Page-Cache"] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name != "blog:post_detail" or not _eligible(request):
            return None
        post = page_post(view_kwargs["slug"])
        if post is None:
            return None  # the view answers (a 404)
        request.page_post = post
        page_key = self._key(request, post)
        stored = cache.get(page_key)
        if stored is not None:
            headers, content, splices = stored
            if splices:
                # Stored with threads, so the splicing middleware is there to put them in.
                request.comment_splices.update(splices)
            return self._answer(request, headers, content)
        request.page_cache_key = page_key
        request.page_cache_lifetime = _lifetime(post, timezone.now())
        return None

    def _key(self, request, post):
        parts = [
            "post-page",
            build_id(),
            _site_stamp(),
            str(post.pk),
            post.updated_at.isoformat(),
            str(post.comments_stamp),
            request.scheme,
            request.get_host(),
            request.GET.get("cpage", ""),
            request.GET.get("corder", ""),
            *(str(getattr(settings, name)) for name in DRAWING_SETTINGS),
        ]
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return f"post-page:{post.pk}:{digest}"

    def _answer(self, request, headers, content):
        """The stored page with this request's CSRF token (each form its own masked copy,
        as {% csrf_token %} draws them) and a fresh form stamp."""
        pieces = content.split(CSRF_MARK)
        if len(pieces) > 1:
            tokens = [get_token(request).encode() for _ in pieces[1:]]
            content = b"".join(
                piece for pair in zip(pieces, [*tokens, b""], strict=True) for piece in pair
            )
        content = content.replace(STAMP_MARK, new_stamp().encode())
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        # The page differs for viewers with cookies (they are never served from here).
        patch_vary_headers(response, ("Cookie",))
        response["X-Page-Cache"] = "hit"
        return response
