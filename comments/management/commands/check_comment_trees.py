from django.core.management.base import BaseCommand, CommandError

from comments.trees import find_tree_problems


class Command(BaseCommand):
    help = "Check the nested-set invariants of every comment tree; exit non-zero if one is broken."

    def handle(self, *args, **options):
        problems = find_tree_problems()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found in the comment trees.")
        self.stdout.write(self.style.SUCCESS("Every comment tree is sound."))
