"""`caravan demo`: load (or refresh) the demo network and print what is in it and how to log in."""

from django.core.management.base import BaseCommand, CommandError

from caravan.demo.loader import DemoError, load_demo
from caravan.demo.report import demo_counts, demo_logins, demo_summary

ADDRESS = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Load the demo network built from the five programmes (safe to run again: nothing changes twice)."

    def handle(self, *args, **options):
        try:
            result = load_demo()
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        out = self.stdout
        out.write(f"Demo loaded in {result.seconds:.1f} s; {result.audit_events} audit events written.")
        if result.created:
            out.write("Created: " + ", ".join(f"{n} {kind}" for kind, n in sorted(result.created.items())) + ".")
        if result.updated:
            out.write("Refreshed: " + ", ".join(f"{n} {kind}" for kind, n in sorted(result.updated.items())) + ".")
        if not result.created and not result.updated:
            out.write("Nothing to change: the demo was already loaded.")
        out.write("")
        out.write(_table(*demo_counts()))
        out.write(demo_summary())
        out.write("")
        out.write(_table(*demo_logins()))
        out.write("")
        out.write(self.style.SUCCESS(f"Open {ADDRESS} and sign in with one of the logins above."))


def _table(header: list[str], rows: list[list]) -> str:
    """A plain-text table; numbers are right-aligned."""
    cells = [header] + [[f"{c:,}" if isinstance(c, int) else str(c) for c in row] for row in rows]
    numeric = [any(isinstance(row[i], int) for row in rows) for i in range(len(header))]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row):
        return "  ".join(
            c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])
