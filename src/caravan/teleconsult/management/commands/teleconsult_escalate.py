"""`caravan teleconsult_escalate`: enqueue the escalation sweep (run it every minute from cron or a timer)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Escalate teleconsultation cases whose answer clock is about to run out."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run the sweep here instead of enqueueing it.")

    def handle(self, *args, **options):
        from caravan.teleconsult import services, tasks

        if options["now"]:
            ids = services.cases_to_escalate()
            for case_id in ids:
                services.escalate(case_id=case_id)
            self.stdout.write(f"Escalated {len(ids)} case(s).")
        else:
            tasks.escalation_sweep.enqueue()
            self.stdout.write("Escalation sweep enqueued.")
