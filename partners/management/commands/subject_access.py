from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners import audit
from partners.models import AuditEntry
from partners.privacy import as_json, subject_access


class Command(BaseCommand):
    help = (
        "Export everything Integra holds about an enterprise (--enterprise, its KBO/BCE "
        "number) or a named person (--name) as JSON, for a data subject's right of "
        "access: premises, signals, visits, findings with all their answers, and accounts "
        "with that name. The export is recorded in the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--enterprise", default="", help="enterprise number, e.g. 0123.456.749")
        who.add_argument("--name", default="", help="a person's or an enterprise's name")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = subject_access(enterprise=options["enterprise"], name=options["name"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        audit.record(
            None,
            AuditEntry.Action.EXPORT,
            object_type="privacy.subject_access",
            object_code=(options["enterprise"] or options["name"])[:64],
            premises=len(data["premises"]),
        )
        text = as_json(data)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {len(data['premises'])} premises to {options['output']}")
        else:
            self.stdout.write(text)
