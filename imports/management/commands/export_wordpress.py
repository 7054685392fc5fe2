from django.core.management.base import BaseCommand

from blog.models import Post
from imports.export import write_wxr


class Command(BaseCommand):
    help = (
        "Write the blog as a WordPress export (WXR 1.2): posts, categories, tags, users and "
        "comments with their parents and statuses. WordPress's importer and import_wordpress "
        "both read it."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="Only posts visitors can read now (drafts and scheduled posts are left out).",
        )

    def handle(self, *args, output, published_only, **options):
        posts = Post.objects.published() if published_only else Post.objects.all()
        if output:
            with open(output, "w", encoding="utf-8") as out:
                counts = write_wxr(out, posts)
            self.stderr.write(
                f"Wrote {counts['posts']} post(s) and {counts['comments']} comment(s) to {output}."
            )
        else:
            # Every piece write_wxr writes ends with a line break, so the wrapper adds none.
            write_wxr(self.stdout, posts)
