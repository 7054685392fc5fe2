from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup folder into an empty, migrated database, then check the trees."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        try:
            rows = restore_backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        call_command("check_comment_trees", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Restored {sum(rows.values())} rows from {folder}."))
