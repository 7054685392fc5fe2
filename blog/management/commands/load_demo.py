import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFilter

from blog.demo_content import AUTHORS, CATEGORIES, POSTS, SOCIAL_LINKS
from blog.images import process_cover
from blog.models import Category, Post, SiteSettings, SocialLink, Tag
from blog.site import clear_site_cache

# Sky top, sky bottom, sun, then the hills from the back to the front.
PALETTES = {
    "dusk": ("#27304f", "#e9976b", "#ffd9a0", ["#5b4a6b", "#3f3552", "#2a2238"]),
    "ember": ("#f3c178", "#e0643c", "#fff1c9", ["#b5482c", "#8c3322", "#5e2317"]),
    "sea": ("#bfe3ea", "#5b9bb0", "#ffffff", ["#3f7d92", "#2c6076", "#1c4357"]),
    "paper": ("#efe6d4", "#d9c7a3", "#b2452f", ["#a58b63", "#7d6647", "#54432f"]),
    "ink": ("#1d2433", "#3c4a66", "#e8e2d0", ["#2f3a52", "#232c40", "#161c2a"]),
    "moss": ("#dfe8cf", "#9db58a", "#fbf6e3", ["#6f8c5b", "#4f6b40", "#33492b"]),
}
ALT_TEXT = {
    "dusk": "Illustration: layered violet hills under a low, pale sun at dusk.",
    "ember": "Illustration: red-brown hills beneath a hot orange sky.",
    "sea": "Illustration: blue hills rolling down to the sea under a white sun.",
    "paper": "Illustration: brown hills on warm paper-coloured sky with a red sun.",
    "ink": "Illustration: dark blue hills under a moon in a night sky.",
    "moss": "Illustration: green hills under a soft, hazy morning sun.",
}
COVER_SIZE = (1600, 900)


def draw_cover(seed, palette, size=None):
    """A landscape picture in the palette's colours; the same seed draws the same picture.

    Coordinates are laid out on a 1600 x 900 grid and scaled to `size`.
    """
    rng = random.Random(seed)
    top, bottom, sun, hills = PALETTES[palette]
    width, height = size or COVER_SIZE
    scale = width / 1600

    def s(value):
        return round(value * scale)

    sky = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(
        Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), sky
    )
    cx, cy, r = s(rng.randint(300, 1300)), s(rng.randint(200, 380)), s(rng.randint(70, 120))
    halo = Image.new("L", (width, height))
    ImageDraw.Draw(halo).ellipse((cx - r * 2, cy - r * 2, cx + r * 2, cy + r * 2), fill=90)
    halo = halo.filter(ImageFilter.GaussianBlur(max(1, r)))
    image = Image.composite(Image.new("RGB", (width, height), sun), image, halo)
    draw = ImageDraw.Draw(image)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=sun)
    for index, colour in enumerate(hills):
        base = 480 + index * 140
        points = [(0, height)]
        x = 0
        while x <= 1600:
            points.append((s(x), s(base + rng.randint(-90, 90))))
            x += rng.randint(120, 260)
        points += [(width, s(base + rng.randint(-60, 60))), (width, height)]
        draw.polygon(points, fill=colour)
    return image.filter(ImageFilter.SMOOTH)


class Command(BaseCommand):
    help = "Load demo posts, categories, tags and site settings. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        authors = self.ensure_authors()
        categories = {}
        for name, slug, description in CATEGORIES:
            categories[slug], _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
        self.ensure_site_settings()

        created = 0
        for data in POSTS:
            if Post.objects.filter(slug=data["slug"]).exists():
                continue  # Leave existing posts alone: an editor may have changed them.
            self.create_post(data, authors, categories, now)
            created += 1
        clear_site_cache()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {created} new post(s), "
                f"{Post.objects.count()} posts in {Category.objects.count()} categories."
            )
        )

    def ensure_authors(self):
        User = get_user_model()
        authors = {}
        for username, first, last in AUTHORS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            authors[username] = user
        return authors

    def ensure_site_settings(self):
        site = SiteSettings.load()
        if not site.links.exists():
            SocialLink.objects.bulk_create(
                SocialLink(settings=site, network=network, url=url, position=position)
                for position, (network, url) in enumerate(SOCIAL_LINKS)
            )

    def create_post(self, data, authors, categories, now):
        if data["days_ago"] is None:
            status, published_at = Post.Status.DRAFT, None
        elif data["days_ago"] < 0:
            status = Post.Status.SCHEDULED
            published_at = now + timedelta(days=-data["days_ago"])
        else:
            status = Post.Status.PUBLISHED
            published_at = now - timedelta(days=data["days_ago"])
        post = Post.objects.create(
            slug=data["slug"],
            title=data["title"],
            author=authors[data["author"]],
            standfirst=data["standfirst"],
            body=data["body"],
            source=data["source"],
            dateline=data["dateline"],
            status=status,
            published_at=published_at,
            comments_enabled=data.get("comments_enabled", True),
            cover_alt=ALT_TEXT[data["palette"]],
        )
        post.categories.set([categories[slug] for slug in data["categories"]])
        post.tags.set(
            [
                Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
                for name in data["tags"]
            ]
        )
        buffer = io.BytesIO()
        draw_cover(data["slug"], data["palette"]).save(buffer, format="PNG")
        post.cover_image.save(f"{data['slug']}.png", ContentFile(buffer.getvalue()), save=False)
        process_cover(post)
        # The demo's history: "Updated" only where the entry says the article changed later.
        if published_at is not None:
            later = timedelta(hours=data.get("updated_hours_later", 0))
            Post.objects.filter(pk=post.pk).update(updated_at=published_at + later)
        return post
