from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gis.access import visible_premises
from gis.exporting import FORMATS, export_premises, record_export
from gis.importing import ImportRefused, resolve_municipality
from gis.models import Premises


class Command(BaseCommand):
    help = (
        "Export every premises of one municipality as points in WGS84 with their register "
        "properties, as GeoJSON or GeoPackage. OUTPUT '-' writes GeoJSON to stdout. With "
        "--user the export is limited to what that user sees and written to the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="the file to write, or - for stdout (GeoJSON)")
        parser.add_argument("--format", choices=FORMATS, help="default: from OUTPUT's suffix")
        parser.add_argument("--municipality", help="NIS or CBS code; required when several")
        parser.add_argument("--user", help="export as this user (default: the system)")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        fmt = options["format"] or ("gpkg" if output.endswith(".gpkg") else "geojson")
        if output == "-" and fmt != "geojson":
            raise CommandError("Only GeoJSON can be written to stdout.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']}.")
        try:
            municipality = resolve_municipality(user=user, code=options["municipality"])
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        source = Premises.objects.all() if user is None else visible_premises(user)
        premises = source.filter(municipality=municipality)
        data = export_premises(premises, fmt)
        count = premises.count()
        record_export(user, municipality=municipality, count=count, fmt=fmt)
        if output == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        Path(output).write_bytes(data)
        self.stdout.write(f"exported {count} premises of {municipality.name} to {output}")
