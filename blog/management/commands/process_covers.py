from django.core.management.base import BaseCommand

from blog.images import process_cover
from blog.models import Post


class Command(BaseCommand):
    help = (
        "Make the renditions of cover images that have none (set outside the admin, e.g. in "
        "a shell or an import). With --all, redo every cover, e.g. after changing the widths."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Reprocess every cover.")

    def handle(self, *args, all=False, **options):
        posts = Post.objects.exclude(cover_image="")
        if not all:
            posts = posts.filter(cover_renditions=[])
        done = 0
        for post in posts.iterator():
            process_cover(post)
            done += 1
        self.stdout.write(f"Processed {done} cover image(s).")
