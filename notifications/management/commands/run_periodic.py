import time

from django.core.management.base import BaseCommand

from notifications.schedule import run_due


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs that are due: the moderators' digest, clearing IP addresses "
        "and user agents older than COMMENTS_KEEP_SENDER_DAYS, the outbox sweep. Run it from "
        "cron every few minutes, or keep it running with --every."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help="Keep running, once every this many seconds."
        )

    def handle(self, *args, every, **options):
        while True:
            done = run_due()
            if options["verbosity"] > 1 or len(done) > 1:
                self.stdout.write(", ".join(f"{job}: {result}" for job, result in done.items()))
            if not every:
                return
            time.sleep(every)
