from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.models import Comment
from moderation.actions import purge_spam


class Command(BaseCommand):
    help = (
        "Delete spam comments older than N days for good. Each deletion closes its gap in the "
        "tree under the tree lock; spam that still has non-spam replies is kept so that no "
        "reply is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Age in days (default 30).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        try:
            cutoff = timezone.now() - timedelta(days=days)
        except OverflowError:
            raise CommandError("--days is too large: no date is that far back.") from None
        if dry_run:
            n = Comment.objects.filter(status=Comment.Status.SPAM, created_at__lt=cutoff).count()
            self.stdout.write(f"{n} spam comments older than {days} days (dry run).")
            return
        deleted, kept = purge_spam(cutoff)
        self.stdout.write(
            f"Deleted {deleted} spam comments older than {days} days; "
            f"kept {kept} that still have replies."
        )
