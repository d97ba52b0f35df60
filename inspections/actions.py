"""Planning workflows: each changes several rows at once, so each is one atomic
function that checks the plan's version (two coordinators editing the same plan: the
second gets a clear conflict, nothing silently lost) and writes an audit row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gis.models import Premises
from inspections import briefing, routing
from inspections.catalogue import SECTOR_RULES
from inspections.conflicts import Conflict, find_conflicts
from inspections.models import (
    TRAFFICKING_COMPETENCY,
    ActionDay,
    SectorRule,
    Team,
    Visit,
    VisitTask,
)
from partners import audit
from partners.models import AuditEntry, Competency, Municipality, Partner, Person

# Proposals prefer the partner closest to the city: local, then regional, federal, judicial.
LEVEL_ORDER = ["local", "regional", "federal", "judicial"]
# Teams leave the briefing this many minutes after it starts.
BRIEFING_MINUTES = 30


class StalePlan(Exception):
    """The plan changed since the user loaded it."""


def bump_version(action_day: ActionDay, expected: int) -> None:
    """Claim the next version of the plan, or raise StalePlan when someone else did."""
    claimed = ActionDay.objects.filter(pk=action_day.pk, version=expected).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StalePlan(
            _(
                "Someone else changed this plan in the meantime. Nothing was saved: reload the "
                "page to see their changes, then try again."
            )
        )
    action_day.version = expected + 1
    briefing.regenerate_after_release(action_day)


def default_sector_rules(municipality: Municipality) -> list[SectorRule]:
    """The default sector × competency rules of a municipality, not saved: only the
    checks whose law applies in its country and region."""
    applying = Competency.objects.applying_to(municipality)
    competencies = {competency.code: competency for competency in applying}
    from gis.models import Sector

    return [
        SectorRule(municipality=municipality, sector=sector, competency=competencies[code])
        for sector in Sector.objects.filter(code__in=SECTOR_RULES)
        for code in SECTOR_RULES[sector.code]
        if code in competencies
    ]


def sector_rules_in_use(municipality: Municipality) -> set[tuple[int, int]]:
    """(sector pk, competency pk) of the rules that apply: the municipality's own, or
    the defaults until its first action day or first change of a rule saves them.
    Reading them writes nothing."""
    saved = set(
        SectorRule.objects.filter(municipality=municipality).values_list("sector", "competency")
    )
    if saved:
        return saved
    return {(rule.sector_id, rule.competency_id) for rule in default_sector_rules(municipality)}


def ensure_sector_rules(municipality: Municipality) -> None:
    """Give a municipality the default sector × competency rules the first time."""
    if SectorRule.objects.filter(municipality=municipality).exists():
        return
    SectorRule.objects.bulk_create(default_sector_rules(municipality), ignore_conflicts=True)


@transaction.atomic
def create_action_day(*, user: Any, municipality: Municipality, **fields: Any) -> ActionDay:
    action_day = ActionDay(municipality=municipality, coordinator=user, **fields)
    action_day.full_clean()
    action_day.save()
    ensure_sector_rules(municipality)
    audit.record(user, AuditEntry.Action.CREATE, action_day)
    return action_day


class TaskProposer:
    """Proposes, per visit, which participating partner checks what: the sector's rules
    plus the human-trafficking check at every visit; per competency the participating
    partner that holds it, preferring partners that make official findings."""

    def __init__(self, action_day: ActionDay) -> None:
        self.rules: dict[int | None, list[int]] = {}
        rules = SectorRule.objects.filter(
            municipality=action_day.municipality_id,
            # A rule made before the city's region was known may name a check whose law
            # does not apply there.
            competency__in=Competency.objects.applying_to(action_day.municipality),
        )
        for sector_id, competency_id in rules.values_list("sector", "competency"):
            self.rules.setdefault(sector_id, []).append(competency_id)
        self.trafficking = Competency.objects.filter(code=TRAFFICKING_COMPETENCY).first()
        self.holders: dict[int, list[Partner]] = {}
        partners = sorted(
            action_day.partners.prefetch_related("competencies"),
            key=lambda partner: (
                not partner.makes_official_findings,
                LEVEL_ORDER.index(str(partner.level)),
                partner.short_name,
            ),
        )
        for partner in partners:
            for competency in partner.competencies.all():
                self.holders.setdefault(competency.pk, []).append(partner)

    def competencies_for(self, premises: Premises) -> list[int]:
        needed = list(self.rules.get(premises.sector_id, []))
        if self.trafficking and self.trafficking.pk not in needed:
            needed.append(self.trafficking.pk)
        return needed

    def partner_for(self, competency_id: int) -> Partner | None:
        holders = self.holders.get(competency_id)
        return holders[0] if holders else None

    def tasks(self, visit: Visit) -> list[VisitTask]:
        return [
            VisitTask(visit=visit, competency_id=competency, partner=self.partner_for(competency))
            for competency in self.competencies_for(visit.premises)
        ]

    def entry_partner(self, tasks: Sequence[VisitTask]) -> Partner | None:
        """Entry on the strongest power among the checks: a partner making official
        findings that is first in the list (local before federal)."""
        partners = [task.partner for task in tasks if task.partner is not None]
        official = [partner for partner in partners if partner.makes_official_findings]
        candidates = official or partners
        return candidates[0] if candidates else None


@transaction.atomic
def add_visits(
    *, action_day: ActionDay, user: Any, version: int, premises: Iterable[Premises]
) -> list[Visit]:
    """Add visits to the given premises (already planned ones are skipped) with their
    proposed tasks and entry partner. Premises of another municipality are refused."""
    premises = list(premises)
    foreign = [item for item in premises if item.municipality_id != action_day.municipality_id]
    if foreign:
        raise ValidationError(
            _(
                "%(premises)s is not in %(city)s: an action day only visits premises of its own "
                "municipality."
            )
            % {"premises": foreign[0], "city": action_day.municipality}
        )
    bump_version(action_day, version)
    planned = set(action_day.visits.values_list("premises", flat=True))
    visits = [
        Visit(action_day=action_day, premises=item) for item in premises if item.pk not in planned
    ]
    Visit.objects.bulk_create(visits)
    propose_tasks(action_day, visits)
    audit.record(user, AuditEntry.Action.CHANGE, action_day, added_visits=len(visits))
    return visits


def propose_tasks(action_day: ActionDay, visits: Sequence[Visit]) -> None:
    proposer = TaskProposer(action_day)
    # bulk_create on SQLite does not set primary keys of new rows: read them back.
    stored = {
        visit.premises_id: visit
        for visit in Visit.objects.filter(
            action_day=action_day, premises__in=[visit.premises_id for visit in visits]
        ).select_related("premises")
    }
    tasks: list[VisitTask] = []
    for visit in stored.values():
        visit_tasks = proposer.tasks(visit)
        tasks.extend(visit_tasks)
        entry = proposer.entry_partner(visit_tasks)
        if entry is not None and visit.entry_partner_id is None:
            visit.entry_partner = entry
            visit.entry_basis = entry_basis(entry, visit_tasks)
    VisitTask.objects.bulk_create(tasks, ignore_conflicts=True)
    Visit.objects.bulk_update(list(stored.values()), ["entry_partner", "entry_basis"])


def entry_basis(partner: Partner, tasks: Sequence[VisitTask]) -> str:
    """In the municipality's language and of its region: the briefing pack and the joint
    report print it."""
    own = [task for task in tasks if task.partner_id == partner.pk]
    if not own:
        return ""
    municipality = own[0].visit.action_day.municipality
    bases = [task.competency.legal_basis_for(municipality, municipality.language) for task in own]
    return next((basis for basis in bases if basis), "")


@transaction.atomic
def remove_visit(*, visit: Visit, user: Any, version: int) -> None:
    bump_version(visit.action_day, version)
    audit.record(user, AuditEntry.Action.CHANGE, visit.action_day, removed_visit=str(visit.code))
    visit.delete()


@transaction.atomic
def set_partners(
    *, action_day: ActionDay, user: Any, version: int, partners: Iterable[Partner]
) -> None:
    """Set the participating partners, then fill in tasks no partner had yet."""
    bump_version(action_day, version)
    action_day.partners.set(partners)
    proposer = TaskProposer(action_day)
    open_tasks = list(VisitTask.objects.filter(visit__action_day=action_day, partner__isnull=True))
    for task in open_tasks:
        task.partner = proposer.partner_for(task.competency_id)
    VisitTask.objects.bulk_update(open_tasks, ["partner"])
    # A partner no longer taking part drops its tasks back to "nobody yet".
    VisitTask.objects.filter(visit__action_day=action_day).exclude(
        partner__in=action_day.partners.all()
    ).update(partner=None)
    refresh_entry_partners(action_day, proposer)
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        action_day,
        partners=sorted(partner.slug for partner in action_day.partners.all()),
    )


def refresh_entry_partners(action_day: ActionDay, proposer: TaskProposer) -> None:
    """Propose the entry partner of visits that have none, or one no longer taking part."""
    participating = set(action_day.partners.values_list("pk", flat=True))
    visits = [
        visit
        for visit in action_day.visits.prefetch_related("tasks__competency", "tasks__partner")
        if visit.entry_partner_id not in participating
    ]
    for visit in visits:
        tasks = list(visit.tasks.all())
        visit.entry_partner = proposer.entry_partner(tasks)
        visit.entry_basis = entry_basis(visit.entry_partner, tasks) if visit.entry_partner else ""
    Visit.objects.bulk_update(visits, ["entry_partner", "entry_basis"])


@transaction.atomic
def adjust_visit(
    *,
    visit: Visit,
    user: Any,
    version: int,
    competency: Competency | None,
    partner: Partner | None,
    entry_partner: Partner | None,
) -> None:
    """The coordinator's adjustment of one visit: give a check to a partner, add one, or
    drop it (no partner); and set whose legal power gives entry. The human-trafficking
    check cannot be dropped."""
    if partner is not None and not visit.action_day.partners.filter(pk=partner.pk).exists():
        raise ValidationError(_("That partner does not take part in this action day."))
    if competency is not None and partner is None and competency.code == TRAFFICKING_COMPETENCY:
        raise ValidationError(_("The human-trafficking check is made at every visit."))
    bump_version(visit.action_day, version)
    if competency is not None:
        if partner is None:
            VisitTask.objects.filter(visit=visit, competency=competency).delete()
        else:
            VisitTask.objects.update_or_create(
                visit=visit, competency=competency, defaults={"partner": partner}
            )
    if entry_partner is not None and entry_partner != visit.entry_partner:
        tasks = list(visit.tasks.select_related("competency"))
        visit.entry_partner = entry_partner
        visit.entry_basis = entry_basis(entry_partner, tasks)
        visit.save(update_fields=["entry_partner", "entry_basis"])
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        visit.action_day,
        visit=str(visit.code),
        competency=competency.code if competency else None,
        partner=partner.slug if partner else None,
        entry_partner=entry_partner.slug if entry_partner else None,
    )


@transaction.atomic
def set_sector_rule(
    *, municipality: Municipality, user: Any, sector: Any, competency: Competency, needed: bool
) -> None:
    # The page showed the defaults until now: they are kept beside this change.
    ensure_sector_rules(municipality)
    if needed:
        SectorRule.objects.get_or_create(
            municipality=municipality, sector=sector, competency=competency
        )
    else:
        SectorRule.objects.filter(
            municipality=municipality, sector=sector, competency=competency
        ).delete()
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        municipality,
        object_type="inspections.SectorRule",
        sector=sector.code,
        competency=competency.code,
        needed=needed,
    )


def check_team_people(action_day: ActionDay, people: Iterable[Any]) -> None:
    """Team members must belong to a participating partner and work for the city."""
    participating = set(action_day.partners.values_list("pk", flat=True))
    for user in people:
        person = Person.objects.filter(user=user).first()
        if person is None or person.partner_id not in participating:
            raise ValidationError(
                _("%(person)s is not with a participating partner: add their partner first.")
                % {"person": user.get_full_name() or user.get_username()}
            )
        if not person.municipalities.filter(pk=action_day.municipality_id).exists():
            raise ValidationError(
                _("%(person)s does not work for %(city)s.")
                % {
                    "person": user.get_full_name() or user.get_username(),
                    "city": action_day.municipality,
                }
            )


@transaction.atomic
def save_team(
    *,
    action_day: ActionDay,
    user: Any,
    version: int,
    name: str,
    lead: Any,
    members: Sequence[Any],
    team: Team | None = None,
) -> Team:
    people = list({*members, *([lead] if lead else [])})
    check_team_people(action_day, people)
    bump_version(action_day, version)
    namesakes = action_day.teams.filter(name=name)
    if team is not None:
        namesakes = namesakes.exclude(pk=team.pk)
    if namesakes.exists():
        raise ValidationError(_("There is already a team called %(name)s.") % {"name": name})
    renamed: dict[str, Any] = {}
    if team is None:
        team = Team.objects.create(action_day=action_day, name=name, lead=lead)
    else:
        if team.name != name:
            renamed = {"renamed_from": team.name}
        team.name, team.lead = name, lead
        team.save()
    team.members.set(people)
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        action_day,
        team=name,
        lead=lead.get_username() if lead else None,
        members=sorted(person.get_username() for person in people),
        **renamed,
    )
    return team


@transaction.atomic
def delete_team(*, team: Team, user: Any, version: int) -> None:
    """Remove a team that has no visits; one with visits is refused with the reason (its
    visits would silently lose their team)."""
    visits = team.visits.count()
    if visits:
        raise ValidationError(
            ngettext(
                "%(team)s still has %(count)d visit: give it to another team first.",
                "%(team)s still has %(count)d visits: give them to another team first.",
                visits,
            )
            % {"team": team.name, "count": visits}
        )
    bump_version(team.action_day, version)
    audit.record(user, AuditEntry.Action.CHANGE, team.action_day, deleted_team=team.name)
    team.delete()


@transaction.atomic
def assign_visit(*, visit: Visit, team: Team | None, user: Any, version: int) -> None:
    if team is not None and team.action_day_id != visit.action_day_id:
        raise ValidationError(_("That team belongs to another action day."))
    bump_version(visit.action_day, version)
    visit.team = team
    visit.route_order = None
    visit.save(update_fields=["team", "route_order"])
    if team is not None:
        fit_tasks_to_team(visit, team)
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        visit.action_day,
        visit=str(visit.code),
        team=team.name if team else None,
    )


def fit_tasks_to_team(visit: Visit, team: Team) -> None:
    """Give each check to a partner present in the team when one of them holds it (the
    first such partner in the partners' usual order)."""
    people = {*team.members.values_list("pk", flat=True), *([team.lead_id] if team.lead_id else [])}
    in_team = list(
        Partner.objects.filter(people__user__in=people, action_days=visit.action_day_id)
        .distinct()
        .values_list("pk", flat=True)
    )
    held: dict[int, list[int]] = {partner: [] for partner in in_team}
    for partner, competency in Partner.competencies.through.objects.filter(
        partner__in=in_team
    ).values_list("partner", "competency"):
        held[partner].append(competency)
    holder_of: dict[int, int] = {}
    for partner in in_team:
        for competency in held[partner]:
            holder_of.setdefault(competency, partner)
    for task in visit.tasks.exclude(partner__in=in_team):
        if task.competency_id in holder_of:
            task.partner_id = holder_of[task.competency_id]
            task.save(update_fields=["partner"])


def first_departure(action_day: ActionDay) -> time:
    if action_day.briefing_time:
        return max(
            routing.add_minutes(action_day.briefing_time, BRIEFING_MINUTES), action_day.starts_at
        )
    return action_day.starts_at


def start_point(action_day: ActionDay, visits: Sequence[Visit]) -> routing.Point:
    """The briefing point, or the visits' centre when none is set."""
    point = action_day.briefing_point()
    if point is not None:
        return point
    return (
        sum(v.premises.lon for v in visits) / len(visits),
        sum(v.premises.lat for v in visits) / len(visits),
    )


# What proposing routes reads of a visit: with its day, which Django attaches to each
# visit read through the day (a deferred day would be read again visit by visit).
ROUTE_FIELDS = (
    *("action_day", "team", "route_order", "slot_start", "slot_end"),
    *("premises__lon", "premises__lat"),
)


@transaction.atomic
def plan_routes(*, action_day: ActionDay, user: Any, version: int) -> int:
    """Order every team's visits into a route and give them slots. Returns the number of
    visits planned."""
    bump_version(action_day, version)
    visits = list(
        action_day.visits.filter(team__isnull=False)
        .select_related("premises")
        # With the day: Django attaches it to each visit read through it.
        .only(*ROUTE_FIELDS)
    )
    by_team: dict[int, list[Visit]] = {}
    for visit in visits:
        by_team.setdefault(visit.team_id, []).append(visit)  # type: ignore[arg-type]
    for team_visits in by_team.values():
        start = start_point(action_day, team_visits)
        stops = [(visit.premises.lon, visit.premises.lat) for visit in team_visits]
        order = routing.plan_route(start, stops)
        ordered = [team_visits[index] for index in order]
        slots = routing.propose_slots(
            start,
            [stops[index] for index in order],
            first_departure=first_departure(action_day),
            speed_kmh=action_day.travel_speed_kmh,
            visit_minutes=action_day.visit_minutes,
        )
        for position, (visit, slot) in enumerate(zip(ordered, slots, strict=True), start=1):
            visit.route_order, visit.slot_start, visit.slot_end = position, slot.start, slot.end
    save_routes(visits)
    audit.record(user, AuditEntry.Action.CHANGE, action_day, routes_planned=len(visits))
    return len(visits)


def save_routes(visits: list[Visit]) -> None:
    """Each visit's route order and slot: one UPDATE statement, run once per visit.
    Django's ``bulk_update`` compiles a CASE with a branch per visit for each field,
    which cost a 200-visit day more than working out its routes."""
    names = ("route_order", "slot_start", "slot_end")
    fields = [field for field in Visit._meta.concrete_fields if field.name in names]
    quote = connection.ops.quote_name
    # Table and column names come from the model.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(Visit._meta.db_table),
        ", ".join(f"{quote(str(field.column))} = %s" for field in fields),
        quote(str(Visit._meta.pk.column)),
    )
    rows = [
        (
            *(
                field.get_db_prep_save(getattr(visit, field.attname), connection)
                for field in fields
            ),
            visit.pk,
        )
        for visit in visits
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@transaction.atomic
def change_status(*, action_day: ActionDay, user: Any, version: int, status: str) -> None:
    """Move the day through its life cycle. Release and start need a complete plan
    without conflicts: every visit in a team, nothing flagged (a conflict may appear
    after release without anyone changing the plan, e.g. a sharing protocol lapsing)."""
    if status in (ActionDay.Status.RELEASED, ActionDay.Status.IN_PROGRESS):
        problems = release_problems(action_day)
        if problems:
            raise ValidationError(problems)
    bump_version(action_day, version)
    action_day.move_to(status)
    action_day.save(update_fields=["status", "released_at"])
    audit.record(user, AuditEntry.Action.CHANGE, action_day, status=status)


def release_problems(action_day: ActionDay) -> list[str]:
    problems = []
    if not action_day.visits.exists():
        problems.append(_("The plan has no visits yet."))
    problems.extend(conflict.message for conflict in find_conflicts(action_day))
    return problems


# Once the participants have the plan, it must stay one they can carry out.
GUARDED_STATUSES = (ActionDay.Status.RELEASED, ActionDay.Status.IN_PROGRESS)


@contextmanager
def no_new_conflicts(action_day: ActionDay) -> Iterator[None]:
    """Refuse, with the reason, a change to a released or running plan that adds a
    conflict. Use inside the change's transaction: the refusal rolls it back. Conflicts
    that were already there (a protocol that lapsed) do not block other changes."""
    if action_day.status not in GUARDED_STATUSES:
        yield
        return
    before = conflict_keys(find_conflicts(action_day))
    yield
    new = [c for c in find_conflicts(action_day) if conflict_keys([c]) - before]
    if not new:
        return
    problems = " ".join(conflict.message for conflict in new)
    if action_day.status == ActionDay.Status.RELEASED:
        raise ValidationError(
            _(
                "Nothing was changed: the plan is released and this change would cause a "
                "conflict. %(problems)s To rework the plan, take the day back to “Planned” "
                "first."
            )
            % {"problems": problems}
        )
    raise ValidationError(
        _(
            "Nothing was changed: the day is in progress and this change would cause a "
            "conflict. %(problems)s"
        )
        % {"problems": problems}
    )


def conflict_keys(conflicts: Iterable[Conflict]) -> set[tuple[str, str]]:
    """What makes each conflict itself: per visit where it names visits (so that one
    visit fewer without a team is not a new conflict), else its message."""
    keys: set[tuple[str, str]] = set()
    for conflict in conflicts:
        if conflict.visit_codes:
            keys.update((conflict.kind, code) for code in conflict.visit_codes)
        else:
            keys.add((conflict.kind, conflict.message))
    return keys
