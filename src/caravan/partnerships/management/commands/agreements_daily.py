"""`caravan agreements_daily`: run (or, with --enqueue, queue for the worker) the agreements' daily task.

Schedule it once a day, e.g. from cron: `caravan agreements_daily --enqueue`.
"""

from django.core.management.base import BaseCommand

from caravan.partnerships.tasks import partnerships_daily


class Command(BaseCommand):
    help = "Expire agreements past their end date and notify the parties' coordinators."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for `caravan worker`.")

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = partnerships_daily.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        outcome = partnerships_daily.call()
        self.stdout.write(
            f"expired {outcome['expired']}, notified {outcome['notified']}, warned {outcome['warned']}"
        )
