from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gis.management.commands._layer_options import add_common_arguments, run_import
from gis.models import ImportRun, ReferenceLayer


class Command(BaseCommand):
    help = (
        "Import one of the city's own GIS layers (parcels, buildings, streets, "
        "neighbourhoods, address points…) as a reference layer of one municipality, drawn "
        "faintly under the premises on every map and PDF excerpt. Any geometry, any CRS "
        "(stored in WGS84, simplified to about a metre); a layer of the same --name is "
        "replaced whole. Refused when a row has no usable geometry unless --skip-invalid; "
        "logged as an import; one summary line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument(
            "--kind", choices=ReferenceLayer.Kind.values, default=ReferenceLayer.Kind.OTHER
        )
        parser.add_argument("--name", help="the layer's name (default: the file's layer)")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, options, kind=ImportRun.Kind.REFERENCE, mapping={})
