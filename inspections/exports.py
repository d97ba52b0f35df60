"""The findings export: the answers a reader may see, one row per answer, as CSV or XLSX.

Who reads which answer (the sharing level each answer was recorded under):

- A partner reads every answer of its own findings, internal ones included.
- An answer internal to another partner never leaves that partner.
- An answer of another partner, shareable with the action's partners or usable by the
  city, reaches the people of a partner that takes part in that day (on its partner
  list or in one of its teams, or the city's coordinators who organise it) only under a
  sharing protocol of the day's municipality in force on the day's date, with both
  partners as parties and a theme that covers the checklist's competency (no themes:
  every theme). "A protocol is what lets a partner's findings reach the others."
- The city's side (coordinators, the mayor's office, analysts, administrators) reads the
  answers usable by the city, of partners covered by such a protocol; answers shared
  among the action's partners only were never the city's to use. Analysts, who work
  on figures, get no free-text answers of other partners (a text may name a person).
- Only findings of action days the reader sees (:func:`inspections.access.visible_action_days`).

One row per answer, not per finding: a coordinator or analyst filters a column
(question, partner, sector) and makes pivot tables in Excel; a row per finding would
need one column per question of every checklist. Labels are in the reader's language.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from inspections.access import coordinated_municipalities, visible_action_days
from inspections.checklists.definition import YES_NO_CHOICES, label_in, legal_reference_in
from inspections.models import ActionDay, FindingAnswer, Sharing
from partners.models import Role, SharingProtocol, person_of

CITY_ROLES = (Role.COORDINATOR, Role.MAYORS_OFFICE, Role.ANALYST, Role.ADMIN)
# The city's roles that work on cases, not only on figures.
CASE_ROLES = (Role.COORDINATOR, Role.MAYORS_OFFICE, Role.ADMIN)
DAY = "finding__visit__action_day"
# Belgian and Dutch Excel (nl-BE, fr-BE, nl-NL) uses the Windows list separator of the
# region, ";" (the comma is their decimal separator), and reads UTF-8 only after a BOM.
CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
# Where a spreadsheet cell would start with one of these, Excel reads a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def covering_protocols(*, reader_partner_id: int | None = None) -> QuerySet[SharingProtocol]:
    """Protocols (an ``Exists`` subquery over answers) that let the recording partner's
    answer out: of the day's municipality, in force on its date, with the recording
    partner (and ``reader_partner_id``) as parties, covering the checklist's theme."""
    on = OuterRef(f"{DAY}__date")
    protocols = (
        SharingProtocol.objects.filter(municipality=OuterRef(f"{DAY}__municipality"))
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(parties=OuterRef("finding__partner"))
        .filter(Q(themes__isnull=True) | Q(themes=OuterRef("finding__template__competency")))
    )
    if reader_partner_id is not None:
        protocols = protocols.filter(parties=reader_partner_id)
    return protocols


def days_taken_part_in(user: Any) -> QuerySet[ActionDay]:
    """Days the user's partner takes part in, or whose teams they are in, or that they
    coordinate."""
    person = person_of(user)
    if person is None:
        return ActionDay.objects.none()
    rule = Q(partners=person.partner_id) | Q(teams__members=user) | Q(teams__lead=user)
    rule |= Q(municipality__in=coordinated_municipalities(user))
    return ActionDay.objects.filter(pk__in=ActionDay.objects.filter(rule).values("pk"))


def readable_answers(user: Any) -> QuerySet[FindingAnswer]:
    """Every answer the user may read, by the rules of this module."""
    person = person_of(user)
    if person is None:
        return FindingAnswer.objects.none()
    among_partners = Exists(covering_protocols(reader_partner_id=person.partner_id))
    rule = Q(finding__partner_id=person.partner_id) | Q(
        among_partners,
        sharing__in=(Sharing.SHARED, Sharing.CITY),
        **{f"{DAY}__in": days_taken_part_in(user)},
    )
    if person.has_role(*CITY_ROLES):
        for_the_city = Q(Exists(covering_protocols()), sharing=Sharing.CITY)
        if not person.has_role(*CASE_ROLES):
            # Analysts count and compare; a free text may name a person.
            for_the_city &= ~Q(kind="text")
        rule |= for_the_city
    return FindingAnswer.objects.filter(**{f"{DAY}__in": visible_action_days(user)}).filter(rule)


@dataclass(frozen=True)
class Filters:
    action_day: ActionDay | None = None
    partner_id: int | None = None
    sector_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, answers: QuerySet[FindingAnswer]) -> QuerySet[FindingAnswer]:
        if self.action_day is not None:
            answers = answers.filter(**{DAY: self.action_day})
        if self.partner_id is not None:
            answers = answers.filter(finding__partner_id=self.partner_id)
        if self.sector_id is not None:
            answers = answers.filter(finding__visit__premises__sector_id=self.sector_id)
        if self.date_from is not None:
            answers = answers.filter(**{f"{DAY}__date__gte": self.date_from})
        if self.date_to is not None:
            answers = answers.filter(**{f"{DAY}__date__lte": self.date_to})
        return answers


def export_rows(user: Any, filters: Filters) -> QuerySet[FindingAnswer]:
    return (
        filters.apply(readable_answers(user))
        .select_related(
            "finding__partner",
            "finding__template",
            "finding__template_version",
            "finding__visit__team",
            "finding__visit__premises__sector",
            "finding__visit__action_day",
        )
        .order_by(
            f"{DAY}__date", "finding__visit__route_order", "finding__visit_id", "finding_id", "id"
        )
    )


def headers() -> list[str]:
    return [
        _("Action day"),
        _("Date"),
        _("Premises"),
        _("Address"),
        _("Sector"),
        _("Team"),
        _("Visit outcome"),
        _("Partner"),
        _("Checklist"),
        _("Question"),
        _("Answer"),
        _("Sharing"),
        _("Legal reference"),
        _("Recorded at"),
    ]


def row_values(answer: FindingAnswer, language: str) -> list[Any]:
    """One answer's cells as Python values: dates as dates, counts as numbers."""
    finding = answer.finding
    visit = finding.visit
    premises = visit.premises
    item = finding.template_version.question(answer.question) or {"type": answer.kind}
    return [
        visit.action_day.title,
        visit.action_day.date,
        premises.name or premises.parcel_key,
        premises.address,
        premises.sector.title if premises.sector else "",
        visit.team.name if visit.team else "",
        visit.get_status_display(),
        finding.partner.name,
        finding.template.title,
        label_in(item.get("label", {}), language) or answer.question,
        answer_value(item, answer.value, language),
        str(Sharing(answer.sharing).label) if answer.sharing in Sharing.values else answer.sharing,
        legal_reference_in(item, language) or answer.legal_reference,
        timezone.localtime(finding.recorded_at).replace(tzinfo=None),
    ]


def answer_value(item: dict[str, Any], value: Any, language: str) -> Any:
    """The answer as a reader reads it: choices by their label, photos counted, dates as
    dates, numbers as numbers."""
    kind = item.get("type")
    if kind in ("yes_no", "select_one", "select_multiple"):
        choices: list[dict[str, Any]] = (
            YES_NO_CHOICES if kind == "yes_no" else list(item.get("choices", []))
        )
        names = {choice["name"]: label_in(choice.get("label", {}), language) for choice in choices}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(names.get(str(name), str(name)) for name in chosen)
    if kind == "photo":
        count = len(value) if isinstance(value, list) else 0
        return _("%(count)d photo(s)") % {"count": count}
    if kind in ("date", "datetime") and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.date() if kind == "date" else moment.replace(tzinfo=None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return value


def text_cell(value: Any) -> str:
    """A cell for the CSV: dates in ISO (which Excel reads as dates in every region),
    numbers with the reader's decimal mark, text never starting like a formula."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(formats.number_format(value))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object that hands back what the csv writer wrote."""

    def write(self, value: str) -> str:
        return value


def csv_lines(answers: Iterable[FindingAnswer], language: str) -> Iterator[str]:
    """The CSV, line by line, for a streamed response: it is read after the view has
    returned, so each line is made in the reader's language explicitly."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER)
    with translation.override(language):
        first = CSV_BOM + writer.writerow(headers())
    yield first
    for answer in answers:
        with translation.override(language):
            line = writer.writerow([text_cell(value) for value in row_values(answer, language)])
        yield line


def xlsx_file(answers: Iterable[FindingAnswer], language: str) -> IO[bytes]:
    """The workbook in a temporary file (write-only mode: rows go to disk as they come)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Findings")[:31])
    sheet.freeze_panes = "A2"
    sheet.append(headers())
    for answer in answers:
        sheet.append([xlsx_cell(sheet, value) for value in row_values(answer, language)])
    stream = tempfile.TemporaryFile()  # noqa: SIM115 - the response streams and closes it
    workbook.save(stream)
    stream.seek(0)
    return stream


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """openpyxl takes a text starting with "=" for a formula: such an answer stays text."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value
