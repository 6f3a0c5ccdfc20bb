"""`caravan referrals_erase_expired`: erase (or, with --enqueue, queue for the worker) the patient data of
referrals that ended longer ago than CARAVAN_REFERRAL_RETENTION_DAYS.

Schedule it once a day, e.g. from cron: `caravan referrals_erase_expired --enqueue`.
"""

from django.core.management.base import BaseCommand

from caravan.referrals.tasks import referrals_erase_expired


class Command(BaseCommand):
    help = "Erase the patient data of referrals past the retention period, keeping the anonymous figures."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for `caravan worker`.")

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = referrals_erase_expired.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        self.stdout.write(f"erased {referrals_erase_expired.call()} referral(s)")
