"""Write one briefing pack of an action day to a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections import briefing
from inspections.models import ActionDay
from partners import audit
from partners.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Write the briefing pack of ACTION_DAY_CODE to FILE: the coordinator's pack (every "
        "team) or, with --team, that team's pack only. The same rendering as the packs "
        "generated from the briefing page; the export is written to the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the action day's code (UUID)")
        parser.add_argument("--team", help="a team's name: that team's pack only")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            action_day = ActionDay.objects.select_related("municipality", "zone").get(
                code=options["code"]
            )
        except (ActionDay.DoesNotExist, ValueError, ValidationError) as error:
            raise CommandError(f"No action day with code {options['code']}") from error
        team = None
        if options["team"]:
            team = action_day.teams.filter(name=options["team"]).first()
            if team is None:
                names = ", ".join(action_day.teams.values_list("name", flat=True))
                raise CommandError(f"No team {options['team']!r} on that day; teams: {names}")
        what = f"the pack of {team.name}" if team else "the coordinator's pack"
        self.stdout.write(f"Rendering {what}…")
        content = briefing.render_pack(action_day, team)
        output = Path(options["output"])
        output.write_bytes(content)
        audit.record(
            None,
            AuditEntry.Action.EXPORT,
            action_day,
            briefing=briefing.key_of(team) if team else briefing.COORDINATOR_KEY,
            via="briefing_pack command",
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(content)} bytes)"))
