"""Importing a Disqus export: each thread's comments under the blog post it belongs to.

A Disqus export lists <thread>s (the pages that had a discussion) and then <post>s (the
comments), each naming its thread and, for replies, its parent. Threads are matched to
posts, in this order, by:

1. the identifier (<id>): a WordPress post id (the Disqus WordPress plugin writes
   "123 https://old.example.com/?p=123") that import_wordpress brought in, or a post's slug;
2. the link, with scheme, host and trailing slash ignored: the address a post had on the old
   WordPress site (kept by import_wordpress), or its address on this blog.

A thread that matches no post is listed with the number of comments left out; nothing is
ever attached to another post. The file is read twice (threads, then comments grouped by
thread); only the comments' text is held in memory, not the XML.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from blog.models import Post
from comments.models import Comment

from .content import comment_text
from .mapping import clean_email, clean_ip, clean_name, clean_url, link_key
from .models import SourceRecord
from .threads import SourceComment, save_comments
from .xmlfile import ExportFileError, iterparse, local_name, text_of

SOURCE = SourceRecord.Source.DISQUS
DSQ_ID = "{http://disqus.com/disqus-internals}id"


@dataclass
class Thread:
    dsq_id: str
    identifier: str
    link: str
    title: str


@dataclass
class Export:
    forum: str
    threads: dict
    posts: int


def scan(path):
    """Check that `path` is a complete Disqus export; return its forum, threads and count."""
    forum = ""
    threads = {}
    posts = 0
    depth = 0
    for event, element in iterparse(path):
        if event == "start":
            if depth == 0 and local_name(element.tag) != "disqus":
                raise ExportFileError(
                    f"not a Disqus export: the file starts with <{local_name(element.tag)}>, "
                    "not <disqus>"
                )
            depth += 1
            continue
        depth -= 1
        if depth != 1:
            continue
        name = local_name(element.tag)
        if name == "thread":
            fields = {local_name(child.tag): text_of(child) for child in element}
            dsq_id = element.get(DSQ_ID, "")
            threads[dsq_id] = Thread(
                dsq_id=dsq_id,
                identifier=fields.get("id", ""),
                link=fields.get("link", ""),
                title=fields.get("title", ""),
            )
            forum = forum or fields.get("forum", "")
        elif name == "post":
            posts += 1
        elif name == "category":
            forum = forum or text_of(element.find("{http://disqus.com}forum"))
        element.clear()
    if depth != 0 or (not threads and not posts):
        raise ExportFileError("not a Disqus export: no <thread> or <post> in the file")
    return Export(forum=(forum or "disqus")[:300], threads=threads, posts=posts)


def read_posts(path):
    """Yield (thread dsq:id, SourceComment) for every <post>."""
    depth = 0
    for event, element in iterparse(path):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth != 1:
            continue
        if local_name(element.tag) == "post":
            yield _post(element)
        element.clear()


def _post(element):
    fields, author, thread, parent = {}, {}, "", ""
    for child in element:
        name = local_name(child.tag)
        if name == "author":
            author = {local_name(part.tag): text_of(part) for part in child}
        elif name == "thread":
            thread = child.get(DSQ_ID, "")
        elif name == "parent":
            parent = child.get(DSQ_ID, "")
        elif name == "message":
            fields[name] = child.text or ""
        else:
            fields[name] = text_of(child)
    if fields.get("isSpam") == "true":
        status = Comment.Status.SPAM
    elif fields.get("isDeleted") == "true":
        status = Comment.Status.REMOVED
    elif fields.get("isApproved") == "false":
        status = Comment.Status.PENDING
    else:
        status = Comment.Status.APPROVED
    return thread, SourceComment(
        source_id=element.get(DSQ_ID, ""),
        parent_id=parent,
        name=clean_name(author.get("name") or author.get("username") or ""),
        email=clean_email(author.get("email")),
        url=clean_url(author.get("link") or author.get("url")),
        ip_address=clean_ip(fields.get("ipAddress")),
        created_at=_date(fields.get("createdAt")),
        status=status,
        body=comment_text(fields.get("message", "")),
    )


def _date(value):
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return timezone.now()
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


class PostMatcher:
    """Finds the blog post a Disqus thread belongs to (see the module docstring)."""

    def __init__(self):
        records = SourceRecord.objects.filter(kind=SourceRecord.Kind.POST)
        self.by_source_id = {
            (r.source, r.source_id): r.post_id for r in records.only("source", "source_id", "post")
        }
        self.by_old_link = dict(records.exclude(link="").values_list("link", "post_id"))
        self.by_slug = {}
        self.by_link = {}
        for post in Post.objects.only("pk", "slug"):
            self.by_slug[post.slug] = post.pk
            self.by_link[link_key(post.get_absolute_url())] = post.pk

    def match(self, thread):
        identifier = thread.identifier.strip()
        if identifier:
            first = identifier.split()[0]
            found = self.by_source_id.get((SourceRecord.Source.WORDPRESS, first))
            found = found or self.by_slug.get(identifier) or self.by_slug.get(first)
            if found:
                return found
        link = link_key(thread.link)
        if link:
            return self.by_old_link.get(link) or self.by_link.get(link)
        return None


class DisqusImport:
    def __init__(self, export, summary):
        self.export = export
        self.site = export.forum
        self.summary = summary

    def run(self, path, progress=None):
        matcher = PostMatcher()
        thread_posts = {}
        for dsq_id, thread in self.export.threads.items():
            post_id = matcher.match(thread)
            if post_id:
                thread_posts[dsq_id] = post_id
        by_post = {}
        unmatched = {}
        for thread_id, comment in read_posts(path):
            if progress is not None:
                progress.update(1)
            if not comment.source_id:
                self.summary.skip("comment", "no dsq:id")
                continue
            post_id = thread_posts.get(thread_id)
            if post_id is None:
                unmatched[thread_id] = unmatched.get(thread_id, 0) + 1
                continue
            by_post.setdefault(post_id, []).append(comment)
        for thread_id, count in unmatched.items():
            thread = self.export.threads.get(thread_id)
            if thread is None:
                what = f"thread {thread_id} (not in the file)"
                reason = "its thread is missing from the file"
            else:
                what = f"thread {thread_id} “{thread.title}” {thread.link or thread.identifier}"
                reason = "its thread matches no post"
            self.summary.skip("comment", reason, count)
            self.summary.note("Threads that match no post (comments left out)", f"{what}: {count}")
        for post in Post.objects.filter(pk__in=by_post).order_by("pk"):
            label = f"“{post.title}” ({post.slug})"
            with transaction.atomic():
                save_comments(
                    post,
                    by_post[post.pk],
                    source=SOURCE,
                    site=self.site,
                    summary=self.summary,
                    label=label,
                )
        self.summary.tally("Threads matched to posts", len(thread_posts))
