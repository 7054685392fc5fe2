from django.core.management.base import BaseCommand

from ops.backup import write_backup


class Command(BaseCommand):
    help = "Write a backup (data.xml, media.tar.gz, manifest.json) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        manifest = write_backup(folder)
        total = sum(manifest["rows"].values())
        self.stdout.write(self.style.SUCCESS(f"Backed up {total} rows to {folder}."))
