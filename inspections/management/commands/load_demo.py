from typing import Any

from django.core.management.base import BaseCommand

from partners import demo as partners_demo


class Command(BaseCommand):
    help = (
        "Build the demo city (Halle) with its partners, competencies, sharing protocol and "
        "demo users (password 'demo'), plus a second municipality (Malmedy). Idempotent: "
        "a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        partners_demo.load()
        self.stdout.write(self.style.SUCCESS("Demo city Halle is ready."))
