"""Load the facts (regions, CA vendors, the 2023 trial participants …) and, with --demo, demonstration data.

After the demo data, each app's daily sweep runs once (its seed module's ``sweep_demo(log)``, in the
order beat runs them in the morning), so the dashboard shows at once what it would show the next
day: duties fulfilled by the rules, findings raised or cleared, reminders written (delivered later
by the worker). ``--no-sweep`` leaves that to the first run of beat.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.seeding import app_modules

DEFAULT_DEMO_PASSWORD = "demo-pass-2026"


class Command(BaseCommand):
    help = "Load facts idempotently; --demo adds demonstration data (示例) and demo log-ins."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also load demonstration data and users.")
        parser.add_argument("--password", default=DEFAULT_DEMO_PASSWORD, help="Password of the demo users.")
        parser.add_argument(
            "--no-sweep", action="store_true", help="Do not run the daily sweeps once after loading the demo."
        )

    def handle(
        self, *args, demo: bool = False, password: str = DEFAULT_DEMO_PASSWORD, no_sweep: bool = False, **options
    ):
        if demo and not settings.DEBUG:
            raise CommandError("Refusing to load demonstration data while DEBUG is off (this looks like production).")
        modules = list(app_modules("seed"))
        log = self.stdout.write if options.get("verbosity", 1) > 1 else (lambda message: None)
        with transaction.atomic():
            written = sum(module.load_facts(log) for module in modules if hasattr(module, "load_facts"))
            if demo:
                written += sum(module.load_demo(log, password) for module in modules if hasattr(module, "load_demo"))
        if demo and not no_sweep:
            for module in modules:
                if hasattr(module, "sweep_demo"):
                    module.sweep_demo(log)
        # The summary is the last line (scripts read it).
        what = " (facts and demo data, then today's sweeps)" if demo and not no_sweep else " (facts and demo data)"
        self.stdout.write(f"seed: {written} rows written" + (what if demo else " (facts)"))
