from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gis.management.commands._layer_options import add_common_arguments, run_import
from gis.models import ImportRun, Zone


class Command(BaseCommand):
    help = (
        "Import a layer of polygons (neighbourhoods, police zones, shopping areas…) as zones "
        "of one municipality, stored in WGS84 with their bounding box. Same rules as "
        "import_premises: CRS from the file or --crs, update by id, refused whole when a row "
        "is invalid unless --skip-invalid, logged, one summary line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument("--kind", choices=Zone.Kind.values, default=Zone.Kind.OTHER)

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = {key: options[key] for key in ("id_field", "name_field")}
        run_import(self, options, kind=ImportRun.Kind.ZONES, mapping=mapping)
