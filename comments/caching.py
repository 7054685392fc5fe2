"""The cache of drawn threads and of the discussion's page index, in Django's cache.

Everything here lives in the `default` cache (local memory in development, the database or
Redis in production, config/settings.py), so every worker and app server shares it. Entries
are never deleted: their keys name the state they were drawn from, so a change makes new
keys and the old entries simply age out.

- A thread (one top-level comment and its replies) as every reader without a held comment of
  their own sees it: keyed by (tree_id, the root's rght, the root's thread_stamp, the
  fragment version, the folding settings). An insert moves the root's rght; every other write
  (moderation, edit, delete, like, editors' pick, redraw) gives the root a new thread_stamp
  through `discussion_changed`, in the writing transaction. So a change touches only its own
  thread's entry.
- A page of the post's thread list (which tree ids, in the reader's order, and how many
  threads there are): keyed by Post.comments_stamp, which every write to the discussion
  renews (the insert's own UPDATE of comment_count does it for free), so the whole post page
  kept for readers without a session (blog/page_cache.py) can be keyed by it too.
- The "Featured" list, by the same post stamp.

A stamp is read in the same query as the rows it guards, or before them; a reader that drew
a thread while a writer committed stores the newer text under the older key at worst, never
older text under the newer key.
"""

from django.conf import settings
from django.core.cache import cache

from blog.models import Post, new_stamp

from .models import Comment


def enabled():
    return settings.COMMENTS_THREAD_CACHE


def discussion_changed(post_id, tree_ids=()):
    """Renew the stamps of these threads and of their post (its thread list, its Featured
    list and its whole page for readers without a session, blog/page_cache.py). Call it
    inside the transaction of the write (comments/posting.py); with `post_id` None the caller
    renews its posts' stamps itself (posting._recount does)."""
    tree_ids = sorted({tree_id for tree_id in tree_ids if tree_id is not None})
    if tree_ids:
        Comment.objects.filter(tree_id__in=tree_ids, level=0).update(thread_stamp=new_stamp())
    if post_id is not None:
        Post.objects.filter(pk=post_id).update(comments_stamp=new_stamp())


def thread_key(tree_id, rght, stamp, variant):
    return f"thread:{tree_id}:{rght}:{stamp}:{variant}"


def index_key(post, *parts):
    return ":".join(["threads-index", str(post.pk), str(post.comments_stamp), *map(str, parts)])


def get(key):
    return cache.get(key)


def get_many(keys):
    return cache.get_many(keys) if keys else {}


def set_many(entries):
    if entries:
        cache.set_many(entries, timeout=settings.COMMENTS_THREAD_CACHE_SECONDS)


def get_or_set(key, compute):
    """The cached value of `key`, or compute() stored under it (Django's own get_or_set)."""
    return cache.get_or_set(key, compute, timeout=settings.COMMENTS_THREAD_CACHE_SECONDS)
