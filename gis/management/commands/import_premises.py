from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gis.management.commands._layer_options import add_common_arguments, run_import
from gis.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import a GIS layer (GeoPackage, Shapefile or a .zip of one, GeoJSON, CSV with x/y or "
        "lon/lat columns) into the premises register of one municipality. The CRS comes from "
        "the file (--crs when it has none). Re-importing updates premises by their id. A "
        "layer with invalid rows is refused whole unless --skip-invalid; every import is "
        "logged. Premises outside the municipality (its outline, the boundary shipped with "
        "Integra, its municipality field or its premises' area) are counted in a warning on "
        "stderr. Ends with one summary line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument("--sector-field", help="matched against sector codes and aliases")
        parser.add_argument(
            "--address-field",
            action="append",
            help="a field of the address, repeat for several (street, number, box, postcode and "
            "town composed as the municipality writes an address; other fields joined with "
            "spaces)",
        )
        parser.add_argument("--parcel-field", help="the parcel key (CAPAKEY)")
        parser.add_argument("--enterprise-field", help="the operator's enterprise number")
        parser.add_argument("--bag-field", help="the BAG id")
        parser.add_argument("--address-id-field", help="the address register id")
        parser.add_argument("--operator-field", help="the operator's name")
        parser.add_argument(
            "--municipality-field",
            help="the NIS/CBS code or name of each row's municipality (recognised by its "
            "name when not given): rows of other municipalities are counted in a warning",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = {
            key: options[key]
            for key in (
                "id_field",
                "name_field",
                "sector_field",
                "parcel_field",
                "enterprise_field",
                "bag_field",
                "address_id_field",
                "operator_field",
                "municipality_field",
            )
        }
        mapping["address_fields"] = options["address_field"]
        run_import(self, options, kind=ImportRun.Kind.PREMISES, mapping=mapping)
