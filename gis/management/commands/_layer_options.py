"""Options and output shared by the layer import commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gis.importing import ImportRefused, describe_problem, import_file
from gis.models import ImportRun


def add_common_arguments(parser: CommandParser) -> None:
    parser.add_argument("path", type=Path, help="GeoPackage, .shp, .zip, GeoJSON or CSV")
    parser.add_argument("--layer", help="the layer to read when the file holds several")
    parser.add_argument("--crs", help="the CRS when the file has none, e.g. EPSG:31370")
    parser.add_argument("--where", help="an attribute filter, e.g. \"nis_code = '23027'\"")
    parser.add_argument("--encoding", help="the text encoding when detection gets it wrong")
    parser.add_argument("--id-field", help="the field identifying each feature")
    parser.add_argument("--name-field", help="the field holding the name")
    parser.add_argument("--municipality", help="NIS or CBS code; required when several")
    parser.add_argument("--user", help="import as this user (default: the system)")
    parser.add_argument("--dry-run", action="store_true", help="validate and count only")
    parser.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, skip the rest"
    )


def run_import(
    command: BaseCommand, options: dict[str, Any], *, kind: str, mapping: dict[str, Any]
) -> ImportRun:
    user = None
    if options["user"]:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']}.")
    layer_options = {
        key: options[key] for key in ("layer", "crs", "where", "encoding") if options[key]
    }
    layer_options["mapping"] = {key: value for key, value in mapping.items() if value is not None}
    if kind == ImportRun.Kind.ZONES:
        layer_options["zone_kind"] = options["kind"]
    if kind == ImportRun.Kind.REFERENCE:
        layer_options["reference_kind"] = options["kind"]
        layer_options["reference_name"] = options["name"] or ""
    try:
        run = import_file(
            options["path"],
            kind=kind,
            municipality=options["municipality"],
            user=user,
            options=layer_options,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
    except ImportRefused as error:
        raise CommandError(str(error)) from error
    if run.status == ImportRun.Status.REFUSED:
        for problem in run.errors[:20]:
            command.stderr.write(
                describe_problem(problem["row"], problem["reason"], problem["detail"])
            )
        raise CommandError(run.summary())
    if run.warning:
        command.stderr.write(run.warning)
    command.stdout.write(run.summary())
    return run
