import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Post
from comments.demo_content import HELD_NOTES, NAMES, OPENERS, REPLIES, SPECIALS
from comments.models import Comment
from comments.posting import change_status, save_new_comment

BIG_POST_SLUG = "night-trains-return"


class Command(BaseCommand):
    help = (
        "Add threaded demo discussions to the demo posts (run load_demo first). Idempotent: "
        "a post that already has comments is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--big-post",
            default=BIG_POST_SLUG,
            help="Slug of the post that gets the large discussion (default: %(default)s).",
        )
        parser.add_argument("--size", type=int, default=320, help="Comments on the big post.")

    def handle(self, *args, **options):
        posts = list(Post.objects.published().select_related("author").order_by("-published_at"))
        if not posts:
            self.stdout.write("No published posts yet: run `manage.py load_demo` first.")
            return
        big = next((post for post in posts if post.slug == options["big_post"]), posts[0])
        chosen = [big] + [post for post in posts if post != big][:7]
        total = 0
        for post in chosen:
            if post.comments.exists():
                self.stdout.write(f"“{post.title}” already has comments; left as it is.")
                continue
            rng = random.Random(post.slug)
            with transaction.atomic():
                if post == big:
                    made = build_discussion(post, rng, size=options["size"], max_level=4, big=True)
                else:
                    made = build_discussion(post, rng, size=rng.randint(8, 26), max_level=2)
            total += made
            self.stdout.write(f"{made} comments on “{post.title}”.")
        self.stdout.write(self.style.SUCCESS(f"Demo comments ready ({total} added)."))


def build_discussion(post, rng, *, size, max_level, big=False):
    """Grow one post's forest in time order through comments.posting, then moderate a few."""
    now = timezone.now()
    start = post.published_at + timedelta(minutes=12)
    span = max(timedelta(minutes=size), min(now - start, timedelta(days=9)))
    step = span / (size + 1)
    threads = max(3, size // 5)
    specials = list(SPECIALS) if big else []
    special_at = {
        size * (index + 1) // (len(specials) + 2): item for index, item in enumerate(specials)
    }
    made = []  # (comment, level)
    for index in range(size):
        when = min(now, start + step * (index + 1) + timedelta(seconds=rng.randint(0, 59)))
        roots_so_far = sum(1 for _, level in made if level == 0)
        # Recent comments attract replies; deeper ones a little more, so threads grow long.
        # When every recent one is at the depth cap, a new thread starts.
        candidates = [item for item in made[-40:] if item[1] < max_level]
        new_thread = not candidates or (roots_so_far < threads and rng.random() < 0.3)
        parent, level = None, 0
        if not new_thread:
            weights = [1 + item[1] for item in candidates]
            parent, parent_level = rng.choices(candidates, weights=weights)[0]
            level = parent_level + 1
        if index in special_at:
            name, body = special_at[index]
        elif big and parent is not None and rng.random() < 0.04:
            name, body = "", rng.choice(REPLIES)
        else:
            name = rng.choice(NAMES)
            body = rng.choice(REPLIES if parent is not None else OPENERS)
        user = None
        if big and parent is not None and rng.random() < 0.03:
            user = post.author
            name = post.author.get_full_name() or post.author.get_username()
        comment = Comment(
            post=post,
            parent=parent,
            user=user,
            name=name,
            email=f"{slugify(name) or 'anonymous'}@example.org",
            url=f"https://{slugify(name)}.example.net/" if name and rng.random() < 0.15 else "",
            body=body,
            status=Comment.Status.APPROVED,
            created_at=when,
            ip_address=f"192.0.2.{rng.randint(1, 254)}",
            user_agent="Demo data",
        )
        save_new_comment(comment, check_parent=False)
        made.append((comment, level))
    # A few held comments from new readers, and a few removed comments whose replies stay.
    held = []
    for note in HELD_NOTES[: 2 if big else 1]:
        parent = rng.choice([comment for comment, level in made if level < max_level])
        comment = Comment(
            post=post,
            parent=parent,
            name=rng.choice(NAMES),
            email="new.reader@example.org",
            body=note,
            status=Comment.Status.PENDING,
            moderation_reasons=[
                {"code": "first_time", "text": "Demo: first comment from this address."}
            ],
            created_at=now - timedelta(minutes=rng.randint(5, 90)),
            ip_address="198.51.100.7",
            user_agent="Demo data",
        )
        held.append(save_new_comment(comment, check_parent=False))
    if big:
        with_replies = list(
            Comment.objects.filter(post=post, level__gt=0, rght__gt=F("lft") + 1)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        removed = rng.sample(with_replies[:-1], 2)
        change_status(Comment.objects.filter(pk__in=removed), Comment.Status.REMOVED)
        change_status(Comment.objects.filter(pk=with_replies[-1]), Comment.Status.PENDING)
    return len(made) + len(held)
