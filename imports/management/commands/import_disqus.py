from django.core.management.base import BaseCommand

from imports import disqus
from imports.running import clear_errors, maybe_dry_run, print_summary, progress_bar
from imports.summary import Summary


class Command(BaseCommand):
    help = (
        "Import a Disqus export: each thread's comments, with their replies, under the post "
        "the thread belongs to (matched by link or identifier). Running it again with the "
        "same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file from Disqus's export (unzipped).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )

    def handle(self, *args, file, dry_run, verbosity, **options):
        with clear_errors(file):
            export = disqus.scan(file)
            summary = Summary(
                f"Disqus import of forum {export.forum} ({len(export.threads)} threads, "
                f"{export.posts} comments) from {file}"
            )
            with maybe_dry_run(dry_run), progress_bar(export.posts, "Importing") as bar:
                disqus.DisqusImport(export, summary).run(file, bar)
        print_summary(self, summary, dry_run=dry_run, verbosity=verbosity)
