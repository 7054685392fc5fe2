from django.core.management.base import BaseCommand

from comments.posting import redraw_stale


class Command(BaseCommand):
    help = "Redraw the stored HTML of comments drawn by an older template or other settings."

    def handle(self, *args, **options):
        count = redraw_stale()
        self.stdout.write(self.style.SUCCESS(f"{count} comment(s) redrawn."))
