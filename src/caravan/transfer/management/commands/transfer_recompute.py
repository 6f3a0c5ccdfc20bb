"""`caravan transfer_recompute`: bring the whole capability ledger up to date (run it nightly).

Logging a case updates its own capability at once; only time passing (a
technique lapsing after months without a case) needs this sweep.
"""

from django.core.management.base import BaseCommand

from caravan.transfer import ledger


class Command(BaseCommand):
    help = "Recompute the capability ledger from the case log (lapses techniques left without cases)."

    def add_arguments(self, parser):
        parser.add_argument("--facility", type=int, action="append", help="Only this facility id (repeatable).")

    def handle(self, *args, facility=None, **options):
        changed = ledger.recompute_facility_sweep(facility_ids=facility)
        self.stdout.write(f"{changed} capabilities changed.")
