"""A seeded, deterministic comment forest for the benchmark (bench/run.py) and its test.

`generate_forest(n, seed=..., max_depth=...)` is plain Python (no Django): a list of
ForestComment in creation order, each reply after its parent. About 30 % of the comments
open a thread; every other one answers an earlier comment chosen by preferential attachment
(a comment that already drew replies draws more, as lively sub-threads do), never deeper
than `max_depth` levels: a reply to a comment at the cap answers it from one level up, as
comments.posting attaches it. Bodies are 20-1,200 characters (most short, a few long), with
paragraphs and single line breaks, accented and non-Latin letters, emoji and the characters
HTML must escape; names are realistic, a few in other scripts, a few empty ("Anonymous").

`store_forest(post, forest)` inserts it fast: the nested-set columns are computed in memory
(comments.trees.number_forest) and the rows written with bulk_create one level at a time
(parents first, so replies know their parent's id), then each comment's page fragment is
stored with comments.posting.redraw_stale, as posting stores it. Same idea as
tests/factories.make_forest, with realistic content.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

TOP_LEVEL_SHARE = 0.30
BODY_MIN, BODY_MAX = 20, 1200


def _words(text, separator=None):
    """A word list kept as running text (easier to read and extend than a list literal)."""
    return text.split(separator)


FIRST_NAMES = _words(
    "Ana Ben Chloé Daniel Émile Fatima Grace Hiroshi Ingrid James Karin Lars María Nikolai "
    "Olivia Pavel Quentin Rosa Sven Tariq Ursula Víctor Wen Xavier Yusuf Zoë Łukasz Søren Ayşe"
)
LAST_NAMES = _words(
    "Anderson Brown Castillo Dubois Eriksson Fernández García Hansen Ivanova Jones Kowalski "
    "Larsen Müller Nakamura O'Brien Petrović Quinn Rossi Schmidt Takahashi Umarov Virtanen "
    "Wójcik Yılmaz Zhang"
)
# Whole names in other scripts, handles, and names HTML must escape.
OTHER_NAMES = _words(
    "王芳|李伟|山田太郎|Дмитрий Соколов|Αλέξης Παππάς|محمد علي|דנה כהן|김민준|night_owl|"
    'R&D <team>|"Quoted" Name|trainspotter42',
    "|",
)
WORDS = _words(
    "the train left at dawn and nobody on the platform seemed to notice how late it was "
    "I think the author is right about the timetable but wrong about the fares which have "
    "gone up every year since the line reopened sleeper cabins are small yet comfortable "
    "café naïve façade über résumé jalapeño coöperate smörgåsbord straße "
    "日本語 中文 русский ελληνικά العربية עברית हिन्दी"
)
# Phrases with the characters HTML must escape (and some that look like markup).
SPECIALS = _words(
    'a < b|x > y|Tom & Jerry|"quoted"|it\'s|<b>not bold</b>|&amp;|<script>alert(1)</script>|'
    "5 > 3 && 2 < 4|'single'|C:\\path\\file",
    "|",
)
EMOJI = _words("😀 🚆 👍 🎉 🤔 ❤️ 🇪🇺 👩‍💻 🙈 ☕")


@dataclass(slots=True)
class ForestComment:
    """One comment of a generated forest: `parent` is an index into the list, or None."""

    index: int
    parent: int | None
    level: int
    name: str
    email: str
    body: str
    ip_address: str
    seconds: int  # after the first comment


def generate_forest(n, *, seed=0, max_depth=8):
    """`n` comments as a list of ForestComment; the same arguments give the same forest."""
    rng = random.Random(seed)
    forest = []
    # Preferential attachment: each comment is in `targets` once, plus once per reply it drew.
    targets = []
    seconds = 0
    for index in range(n):
        seconds += rng.randint(1, 120)
        parent = None
        level = 0
        if index > 0 and rng.random() >= TOP_LEVEL_SHARE:
            chosen = forest[rng.choice(targets)]
            if chosen.level + 1 >= max_depth:
                # At the cap the reply attaches beside it, as comments.posting does.
                chosen = forest[chosen.parent]
            parent, level = chosen.index, chosen.level + 1
            targets.append(parent)
        name = _name(rng)
        forest.append(
            ForestComment(
                index=index,
                parent=parent,
                level=level,
                name=name,
                email=f"reader{rng.randrange(max(1, n // 3))}@example.com",
                body=_body(rng),
                ip_address=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                seconds=seconds,
            )
        )
        targets.append(index)
    return forest


def _name(rng):
    roll = rng.random()
    if roll < 0.03:
        return ""
    if roll < 0.10:
        return rng.choice(OTHER_NAMES)
    if roll < 0.30:
        return rng.choice(FIRST_NAMES)
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _body(rng):
    # Log-uniform length: most comments are a sentence or two, some are essays.
    target = int(BODY_MIN * (BODY_MAX / BODY_MIN) ** rng.random())
    paragraphs, current, length = [], [], 0
    while length < target:
        roll = rng.random()
        if roll < 0.06:
            word = rng.choice(EMOJI)
        elif roll < 0.12:
            word = rng.choice(SPECIALS)
        else:
            word = rng.choice(WORDS)
        current.append(word)
        length += len(word) + 1
        if rng.random() < 0.08:
            current[-1] += "."
            if rng.random() < 0.35:
                paragraphs.append(" ".join(current))
                current = []
                length += 1
    if current:
        paragraphs.append(" ".join(current))
    joined = []
    for paragraph in paragraphs:
        if joined:
            joined.append("\n" if rng.random() < 0.2 else "\n\n")
        joined.append(paragraph)
    body = "".join(joined)[:BODY_MAX].strip()
    while len(body) < BODY_MIN:
        body += " " + rng.choice(WORDS)
    return body


def store_forest(post, forest, *, status="approved", reasons=(), start=None):
    """Insert `forest` under `post` in new trees; returns the Comment rows in forest order.

    Nested-set columns from comments.trees.number_forest, bulk_create level by level, then
    the stored HTML of every comment of the post drawn with comments.posting.redraw_stale.
    """
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from blog.models import Post
    from comments.models import Comment, reason_codes
    from comments.posting import lock_new_trees, lock_post, redraw_stale
    from comments.trees import number_forest

    start = start or timezone.now() - timedelta(days=30)
    reasons = [dict(reason) for reason in reasons]
    codes = reason_codes(reasons)
    rows = []
    with transaction.atomic():
        lock_post(post.pk)
        lock_new_trees()
        next_tree = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
        for item in forest:
            row = Comment(
                post=post,
                name=item.name,
                email=item.email,
                body=item.body,
                status=status,
                moderation_reasons=reasons,
                moderation_codes=codes,
                ip_address=item.ip_address,
                created_at=start + timedelta(seconds=item.seconds),
            )
            if item.parent is not None:
                row.parent = rows[item.parent]
            rows.append(row)
        number_forest([(row, row.parent) for row in rows], first_tree_id=next_tree)
        for level in range(max((item.level for item in forest), default=-1) + 1):
            batch = [row for row in rows if row.level == level]
            for row in batch:
                # bulk_create reads parent_id; the parent got its pk one level up.
                row.parent_id = row.parent.pk if row.parent is not None else None
            Comment.objects.bulk_create(batch, batch_size=2000)
        if status == "approved":
            threads = sum(1 for row in rows if row.parent is None)
            Post.objects.filter(pk=post.pk).update(comment_count=len(rows), thread_count=threads)
    redraw_stale(Comment.objects.filter(post=post))
    return rows
