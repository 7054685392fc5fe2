from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the background worker of the configured task queue: the database queue's "
        "db_worker, or RQ's worker (with its scheduler, for retries later) when "
        "TASKS_BACKEND is rq. Run it as its own process beside the web server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")

    def handle(self, *args, batch, **options):
        verbosity = options["verbosity"]
        if settings.TASKS_BACKEND == "rq":
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=batch,
            )
            return
        call_command("db_worker", queue_name="*", reload=False, batch=batch, verbosity=verbosity)
