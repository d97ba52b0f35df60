"""The risk assessment of a case, and its explanation, like the premises score
(gis/risk.py): a sum of contributions, each with its reason, its source and its age.

Rules:

* the case's premises bring half their own risk score (which already weighs their
  indicators), and a premises the team flagged by hand brings a fixed amount;
* every desk signal linked to the case counts, more when it names an indicator;
  dismissed and merged signals do not;
* every information entry counts by the kind of its source: a closed source (police,
  inspection records) weighs more than a half-open one (registers), which weighs more
  than an open one (press, internet). An internal entry of another partner counts the
  same, but its line names only the partner and its age, never its source or fact.
  An entry shared in an art. 458ter consultation is bound to that meeting's purpose and
  is not used here;
* patterns among the subjects: a company whose registered office moved at least three
  times in five years, a bankrupt company, one manager of at least three companies, a
  person linked to at least three premises through companies;
* facts fade: contributions with a date halve every ``HALF_LIFE_DAYS`` (as the premises
  score); patterns and premises scores are current facts and do not fade.

Constant in queries whatever the size of the case: one query per kind of contribution.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, DeskSignal, Entry, Link, RegisteredOffice, Subject
from gis.risk import decay
from partners.models import person_of

ENTRY_POINTS: dict[str, float] = {
    Entry.Kind.OPEN: 0.5,
    Entry.Kind.HALF_OPEN: 1.0,
    Entry.Kind.CLOSED: 2.0,
}
SIGNAL_POINTS = 0.5
SIGNAL_INDICATOR_FACTOR = 0.5
PREMISES_FACTOR = 0.5
FLAGGED_PREMISES_POINTS = 1.5
OFFICE_MOVES = 3
OFFICE_MOVES_YEARS = 5
OFFICE_MOVES_POINTS = 2.0
BANKRUPT_POINTS = 1.5
MANAGED_COMPANIES = 3
MANAGER_POINTS = 2.0
REACHED_PREMISES = 3
REACHED_PREMISES_POINTS = 2.0
MEDIUM_FROM = 4.0
HIGH_FROM = 8.0


@dataclass(frozen=True)
class Contribution:
    """One line of the explanation. ``age_days`` is None for a current fact."""

    kind: str  # premises, signal, entry, pattern
    reason: str
    source: str
    points: float
    age_days: int | None = None
    confidential: bool = False


@dataclass
class Assessment:
    score: float = 0.0
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def band(self) -> str:
        if self.score >= HIGH_FROM:
            return "high"
        if self.score >= MEDIUM_FROM:
            return "medium"
        return "low"

    def add(self, contribution: Contribution) -> None:
        self.contributions.append(contribution)
        self.score += contribution.points


def _age(on: date, then: date) -> int:
    return max((on - then).days, 0)


def assess(user: Any, case: Case, *, on: date | None = None) -> Assessment:
    """The case's risk as ``user`` (a team member) may read its explanation."""
    on = on or timezone.localdate()
    assessment = Assessment()
    subjects = list(Subject.objects.filter(case_subjects__case=case).select_related("premises"))
    _premises(assessment, subjects)
    _signals(assessment, case, on)
    _entries(assessment, user, case, on)
    _patterns(assessment, subjects, on)
    assessment.score = round(assessment.score, 2)
    assessment.contributions.sort(key=lambda item: -item.points)
    return assessment


def _premises(assessment: Assessment, subjects: list[Subject]) -> None:
    for subject in subjects:
        premises = subject.premises
        if premises is None:
            continue
        if premises.risk_score > 0:
            assessment.add(
                Contribution(
                    kind="premises",
                    reason=_("Risk score %(score).2f of the premises %(name)s")
                    % {"score": premises.risk_score, "name": subject.name},
                    source=_("Premises register"),
                    points=round(premises.risk_score * PREMISES_FACTOR, 2),
                )
            )
        if premises.flagged_manually:
            assessment.add(
                Contribution(
                    kind="premises",
                    reason=_("The premises %(name)s is flagged by the team")
                    % {"name": subject.name},
                    source=_("Premises register"),
                    points=FLAGGED_PREMISES_POINTS,
                )
            )


def _signals(assessment: Assessment, case: Case, on: date) -> None:
    signals = (
        DeskSignal.objects.filter(case=case)
        .exclude(outcome__in=[DeskSignal.Outcome.DISMISSED, DeskSignal.Outcome.MERGED])
        .select_related("indicator")
    )
    for signal in signals:
        age = _age(on, signal.observed_on)
        points = SIGNAL_POINTS
        reason = _("A signal from the %(desk)s") % {"desk": signal.get_desk_display()}
        if signal.indicator is not None:
            points += signal.indicator.weight * SIGNAL_INDICATOR_FACTOR
            reason = _("A signal from the %(desk)s: %(indicator)s") % {
                "desk": signal.get_desk_display(),
                "indicator": signal.indicator.title,
            }
        assessment.add(
            Contribution(
                kind="signal",
                reason=reason,
                source=str(signal.get_desk_display()),
                points=round(points * decay(age), 2),
                age_days=age,
            )
        )


def _entries(assessment: Assessment, user: Any, case: Case, on: date) -> None:
    person = person_of(user)
    partner_id = person.partner_id if person is not None else None
    entries = (
        case.entries.filter(bound_to_meeting__isnull=True)
        .select_related("partner", "subject")
        .order_by("known_on", "pk")
    )
    for entry in entries:
        age = _age(on, entry.known_on)
        points = round(ENTRY_POINTS.get(entry.kind, 0.0) * decay(age), 2)
        hidden = entry.sharing == Entry.Sharing.INTERNAL and entry.partner_id != partner_id
        if hidden:
            assessment.add(
                Contribution(
                    kind="entry",
                    reason=_("An internal entry of %(partner)s") % {"partner": entry.partner},
                    source="",
                    points=points,
                    age_days=age,
                    confidential=True,
                )
            )
            continue
        about = entry.subject.name if entry.subject else _("the case")
        assessment.add(
            Contribution(
                kind="entry",
                reason=_("%(kind)s about %(about)s, brought by %(partner)s")
                % {"kind": entry.get_kind_display(), "about": about, "partner": entry.partner},
                source=entry.source,
                points=points,
                age_days=age,
            )
        )


def _patterns(assessment: Assessment, subjects: list[Subject], on: date) -> None:
    companies = {s.pk: s for s in subjects if s.kind == Subject.Kind.COMPANY}
    persons = {s.pk: s for s in subjects if s.kind == Subject.Kind.PERSON}
    _office_moves(assessment, companies, on)
    for company in companies.values():
        if company.bankrupt_on is not None and company.bankrupt_on <= on:
            assessment.add(
                Contribution(
                    kind="pattern",
                    reason=_("%(company)s was declared bankrupt") % {"company": company.name},
                    source=_("Subject register"),
                    points=BANKRUPT_POINTS,
                    age_days=_age(on, company.bankrupt_on),
                )
            )
    _managers(assessment, companies, persons)
    _premises_through_companies(assessment, persons)


def _office_moves(assessment: Assessment, companies: dict[int, Subject], on: date) -> None:
    """A move is a registered office that started inside the window and was not the
    company's first one."""
    since = on - timedelta(days=365 * OFFICE_MOVES_YEARS)
    offices: dict[int, list[date]] = defaultdict(list)
    for company_id, valid_from in RegisteredOffice.objects.filter(
        company_id__in=companies
    ).values_list("company_id", "valid_from"):
        offices[company_id].append(valid_from)
    for company_id, starts in offices.items():
        starts.sort()
        moves = [start for start in starts[1:] if since < start <= on]
        if len(moves) >= OFFICE_MOVES:
            assessment.add(
                Contribution(
                    kind="pattern",
                    reason=ngettext(
                        "%(company)s moved its registered office %(count)d time in %(years)d years",
                        "%(company)s moved its registered office %(count)d times in "
                        "%(years)d years",
                        len(moves),
                    )
                    % {
                        "company": companies[company_id].name,
                        "count": len(moves),
                        "years": OFFICE_MOVES_YEARS,
                    },
                    source=_("Registered office history"),
                    points=OFFICE_MOVES_POINTS,
                    age_days=_age(on, moves[-1]),
                )
            )


def _managers(
    assessment: Assessment, companies: dict[int, Subject], persons: dict[int, Subject]
) -> None:
    """Persons of the case, and managers of the case's companies, who manage at least
    ``MANAGED_COMPANIES`` companies (in the register, not only in the case)."""
    managers = Link.objects.filter(role=Link.Role.MANAGER, target__kind=Subject.Kind.COMPANY)
    concerned = managers.filter(Q(source_id__in=persons) | Q(target_id__in=companies)).values(
        "source_id"
    )
    managed: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for source_id, name, target_id in managers.filter(source_id__in=concerned).values_list(
        "source_id", "source__name", "target_id"
    ):
        managed[source_id].add(target_id)
        names[source_id] = name
    for person_id, managed_companies in managed.items():
        if len(managed_companies) >= MANAGED_COMPANIES:
            assessment.add(
                Contribution(
                    kind="pattern",
                    reason=_("%(person)s manages %(count)d companies")
                    % {"person": names[person_id], "count": len(managed_companies)},
                    source=_("Links between subjects"),
                    points=MANAGER_POINTS,
                )
            )


def _premises_through_companies(assessment: Assessment, persons: dict[int, Subject]) -> None:
    """``SubjectQuerySet.premises_reached_through_companies`` for all the case's persons
    at once: two queries, whatever their number."""
    if not persons:
        return
    companies_of: dict[int, set[int]] = defaultdict(set)
    for source_id, target_id in Link.objects.filter(
        source_id__in=persons, target__kind=Subject.Kind.COMPANY
    ).values_list("source_id", "target_id"):
        companies_of[source_id].add(target_id)
    all_companies = set().union(*companies_of.values()) if companies_of else set()
    premises_of: dict[int, set[int]] = defaultdict(set)
    for source_id, target_id in Link.objects.filter(
        source_id__in=all_companies, target__kind=Subject.Kind.PREMISES
    ).values_list("source_id", "target_id"):
        premises_of[source_id].add(target_id)
    for person_id, company_ids in companies_of.items():
        reached = set().union(*(premises_of[c] for c in company_ids))
        if len(reached) >= REACHED_PREMISES:
            assessment.add(
                Contribution(
                    kind="pattern",
                    reason=_("%(person)s is linked to %(count)d premises through companies")
                    % {"person": persons[person_id].name, "count": len(reached)},
                    source=_("Links between subjects"),
                    points=REACHED_PREMISES_POINTS,
                )
            )
