from typing import Any

from django.core.management.base import BaseCommand

from cases import catalogue as cases_catalogue
from decisions import demo as decisions_demo
from demo import wilby
from gis import demo as gis_demo
from inspections import demo as inspections_demo
from partners import demo as partners_demo
from partners.models import Municipality
from partners.schedules import ensure_schedules


class Command(BaseCommand):
    help = (
        "Build the demo city (Halle) with its partners, sharing protocol and demo users "
        "(password 'demo'), its premises register from real address points with signals and "
        "zones, a released action day for today and a closed one from last month (with a "
        "final joint report and a closure in force), the Wilby case (massage parlours, from "
        "two desk signals through a case meeting to today's action day), plus a "
        "second municipality (Malmedy). Idempotent: a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        partners_demo.load()
        # The instruments of the partners just loaded (the migration seeded none yet).
        cases_catalogue.refresh()
        halle = Municipality.objects.get(code=partners_demo.HALLE)
        gis_demo.load(halle)
        inspections_demo.load(halle)
        decisions_demo.load(halle)
        wilby.load(halle)
        ensure_schedules()
        self.stdout.write(self.style.SUCCESS("Demo city Halle is ready."))
