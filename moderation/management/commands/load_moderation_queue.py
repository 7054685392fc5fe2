"""Fill the moderation queue with realistic mixed comments, to try moderating as a newcomer.

Every comment goes through comments.posting.post_comment with the real moderation policy, so
what lands in the queue, and the reasons shown next to it, come from the rules themselves:
new guests wait, link-heavy spam and insults on the blocklist are held. The text is neutral,
written for the project.
"""

import random

from django.core.management.base import BaseCommand, CommandError

from blog.models import Post
from comments.models import Comment
from comments.policy import Submission
from comments.posting import CommentRefused, draft_comment, post_comment
from moderation.models import BlockedTerm

GOOD = [
    "Thank you for the clear explanation of the timetable changes.",
    "I took that line last winter; the night service made a real difference.",
    "Could you say more about how the fares will be set?",
    "The map in the second paragraph helped me a lot.",
    "My town lost its station in the nineties. Good to read that some come back.",
    "Is there a source for the passenger numbers? I would like to read more.",
    "Well researched, as usual. Looking forward to the follow-up.",
    "A small correction: the bridge opened in 1932, not 1923.",
    "We used the sleeper with two children and it was calmer than flying.",
    "Interesting that the operators agreed so quickly this time.",
]
ABUSE = [
    "Only an idiot would believe this.",
    "You people are morons, every single one of you.",
    "Shut up, idiot. Nobody asked you.",
    "What a m0r0n the author is.",
    "Typical garbage from clueless idiots.",
]
SPAM = [
    "Cheap watches here https://watches.example https://watches.example/sale https://w.example",
    "Best casino bonus!!! www.casino.example www.casino.example/free http://spin.example",
    "Earn 5000 a week from home, see http://rich.example http://rich.example/a www.x.example",
    "CHEAP WATCHES, free shipping: https://watches.example/now https://a.example https://b.example",
    "Loans approved in minutes http://loans.example http://loans.example/b http://loans.example/c",
]
NAMES = [
    "Ana",
    "Bram",
    "Chloé",
    "Dmitri",
    "Eilidh",
    "Farid",
    "Grete",
    "Hiro",
    "Ines",
    "Jonas",
    "Kaija",
    "Luís",
    "Mira",
    "Nnamdi",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Søren",
    "Tariq",
]
BLOCKLIST = [
    ("idiot", "pending"),
    ("moron", "pending"),
    ("garbage", "pending"),
    ("cheap watches", "spam"),
    ("casino", "spam"),
]


class Command(BaseCommand):
    help = "Post N mixed comments (good, insulting, spam) through the moderation policy."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100)
        parser.add_argument("--seed", type=int, default=4)

    def handle(self, *args, count, seed, **options):
        rng = random.Random(seed)
        posts = list(Post.objects.published()[:3])
        if not posts:
            raise CommandError("No published posts: run `manage.py load_demo` first.")
        for phrase, action in BLOCKLIST:
            BlockedTerm.objects.get_or_create(phrase=phrase, defaults={"action": action})
        kinds = ["good"] * 60 + ["abuse"] * 20 + ["spam"] * 20
        run = Comment.objects.count()
        stored = refused = 0
        for i in range(count):
            kind = rng.choice(kinds)
            post = rng.choice(posts)
            text = rng.choice({"good": GOOD, "abuse": ABUSE, "spam": SPAM}[kind])
            name = rng.choice(NAMES) if kind != "spam" else "Deals " + str(i)
            parents = list(post.comments.public().order_by("?").values_list("pk", flat=True)[:1])
            parent = parents[0] if parents and rng.random() < 0.4 else None
            draft = draft_comment(
                post=post,
                parent=parent,
                name=name,
                email=f"{kind}.{run}.{i}@example.com",
                body=f"{text} ({i + 1})",
                ip_address=f"10.{rng.randrange(1, 250)}.{i // 250}.{i % 250 + 1}",
                user_agent="Mozilla/5.0 (demo)",
            )
            try:
                post_comment(Submission(comment=draft, elapsed=rng.uniform(8, 300)))
                stored += 1
            except CommentRefused:
                refused += 1
        pending = Comment.objects.pending().count()
        self.stdout.write(f"Posted {stored} comments ({refused} refused); {pending} now pending.")
