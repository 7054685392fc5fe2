from django.core.management.base import BaseCommand

from blog.search import rebuild_index


class Command(BaseCommand):
    help = "Index every post for search again (after bulk changes made with QuerySet.update())."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} post{'s' if count != 1 else ''}.")
