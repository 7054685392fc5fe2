from django.core.management.base import BaseCommand

from imports import wxr
from imports.running import clear_errors, maybe_dry_run, print_summary, progress_bar
from imports.summary import Summary
from imports.wordpress import WordPressImport


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2): posts, authors, categories, tags and "
        "threaded comments. Running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file from WordPress's Tools > Export.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )

    def handle(self, *args, file, dry_run, verbosity, **options):
        with clear_errors(file):
            # The whole file is checked first, so a truncated or foreign file is refused
            # before anything is written.
            channel = wxr.scan(file)
            summary = Summary(
                f"WordPress import of {channel.site} (WXR {channel.version}, "
                f"{channel.items} items) from {file}"
            )
            importer = WordPressImport(channel, summary)
            with maybe_dry_run(dry_run), progress_bar(channel.items, "Importing") as bar:
                importer.run(file, bar)
        print_summary(self, summary, dry_run=dry_run, verbosity=verbosity)
