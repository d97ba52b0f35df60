"""The coordinator's planning screen: one page to choose premises, partners, teams,
routes and slots, with conflicts shown live.

A change to visits (add, remove, assign, adjust, routes) or to the case answers an HTMX
request with only the parts it changed: the visit tables of the teams it touched, and
beside them the conflicts, the visit count, the teams' visit counts, the note and the
plan's version, each swapped out of band (``Redraw``). A change that reshapes the page
(partners, teams, status) answers with the whole plan body. Either way the answer costs
the same number of queries for 12 visits or 200, and a reload shows the same plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, trigger_client_event

from cases.access import visible_cases
from gis.access import visible_premises, visible_zones
from gis.models import Premises, Sector
from gis.risk import band
from gis.views.reference import map_background
from inspections import actions
from inspections.access import (
    coordinated_municipalities,
    get_action_day_for_user,
    visible_action_days,
)
from inspections.case_days import attach_case
from inspections.conflicts import conflict_visits, find_conflicts
from inspections.forms.planning import (
    ActionDayForm,
    AddVisitsForm,
    AssignForm,
    CaseLinkForm,
    PartnersForm,
    PremisesFilterForm,
    SectorRuleToggleForm,
    StatusForm,
    TaskForm,
    TeamDeleteForm,
    TeamForm,
    VisitForm,
    people_choices,
)
from inspections.models import (
    ActionDay,
    InvalidTransition,
    Team,
    Visit,
    VisitTask,
)
from inspections.templatetags.plan_menus import Menu
from partners.http import HtmxHttpRequest, refuse
from partners.models import Competency, with_local_legal_basis

CANDIDATE_LIMIT = 2000
LIST_LIMIT = 50


@login_required
def action_day_list(request: HttpRequest) -> HttpResponse:
    days = (
        visible_action_days(request.user)
        .select_related("municipality")
        .annotate(visit_count=Count("visits", distinct=True))
        .order_by("-date")
    )
    context = {"days": days, "can_plan": coordinated_municipalities(request.user).exists()}
    return render(request, "inspections/action_day_list.html", context)


@login_required
def action_day_create(request: HttpRequest) -> HttpResponse:
    if not coordinated_municipalities(request.user).exists():
        raise PermissionDenied
    form = ActionDayForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "municipality"}
        try:
            action_day = actions.create_action_day(
                user=request.user, municipality=form.cleaned_data["municipality"], **fields
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The action day was created. Now choose its premises."))
            return redirect("action-day-plan", code=action_day.code)
    return render(request, "inspections/action_day_form.html", {"form": form})


def plan_visits(action_day: ActionDay) -> QuerySet[Visit]:
    """The day's visits with what their rows show, in table order."""
    # Each visit's checks in one query, with their competency and partner joined.
    tasks = VisitTask.objects.select_related("competency", "partner")
    return (
        action_day.visits.select_related("premises__sector", "team", "entry_partner")
        # A row names its premises: it needs neither their outline nor their search key.
        .defer("premises__footprint", "premises__search_key")
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .order_by("team__name", "route_order", "premises__address")
    )


def plan_teams(action_day: ActionDay) -> QuerySet[Team]:
    members = get_user_model().objects.select_related("person__partner")
    return action_day.teams.select_related("lead").prefetch_related(
        Prefetch("members", queryset=members)
    )


def rows_context(action_day: ActionDay, visits: list[Visit], teams: list[Team]) -> dict[str, Any]:
    """What every visit row needs besides its visit: conflicts (of all the day's
    ``visits`` and ``teams``), its forms' addresses and its team, check and partner
    menus."""
    participating = list(action_day.partners.order_by("short_name"))
    conflicts = find_conflicts(action_day, visits, participating, teams)
    competencies = Competency.objects.applying_to(action_day.municipality)
    return {
        "action_day": action_day,
        "conflicts": conflicts,
        "flagged_visits": {code for conflict in conflicts for code in conflict.visit_codes},
        "participating": participating,
        "team_menu": Menu((team.pk, team.name) for team in teams),
        "competency_menu": Menu((competency.pk, competency.title) for competency in competencies),
        "partner_menu": Menu((partner.pk, partner.short_name) for partner in participating),
        "row_urls": {
            key: reverse(name, args=[action_day.code])
            for key, name in (
                ("adjust", "plan-adjust-visit"),
                ("assign", "plan-assign"),
                ("remove", "plan-remove-visit"),
            )
        },
    }


def plan_context(request: HttpRequest, action_day: ActionDay) -> dict[str, Any]:
    """Everything the plan body shows, in a fixed number of queries."""
    visits = list(plan_visits(action_day))
    teams = list(plan_teams(action_day))
    # Every team's form offers the same people: read once.
    accepted = list(people_choices(action_day))
    by_team: dict[int | None, list[Visit]] = {}
    for visit in visits:
        by_team.setdefault(visit.team_id, []).append(visit)
    return rows_context(action_day, visits, teams) | {
        "visit_total": len(visits),
        "teams": [(team, by_team.get(team.pk, [])) for team in teams],
        "unassigned": by_team.get(None, []),
        "team_form": TeamForm(
            action_day=action_day, accepted=accepted, initial={"version": action_day.version}
        ),
        "team_cards": [
            (
                team,
                len(by_team.get(team.pk, [])),
                TeamForm(
                    action_day=action_day,
                    team=team,
                    accepted=accepted,
                    auto_id=f"team{number}-%s",
                ),
            )
            for number, team in enumerate(teams, start=1)
        ],
        **case_context(request, action_day),
        "partners_form": PartnersForm(
            action_day=action_day,
            initial={"version": action_day.version, "partners": action_day.partners.all()},
        ),
        "Status": ActionDay.Status,
    }


@dataclass
class Redraw:
    """The parts of the plan body a change touched: the visit tables of these teams
    (``None``: the visits without a team) and, with ``case``, the case card. Every
    answer also carries the conflicts, the visit count, the note and the version."""

    teams: set[int | None] = field(default_factory=set)
    case: bool = False
    # Visits added or removed: the candidates beside the map show which are planned.
    planned: bool = False


def case_context(request: HttpRequest, action_day: ActionDay) -> dict[str, Any]:
    return {
        "case_form": CaseLinkForm(
            action_day=action_day,
            user=request.user,
            initial={"version": action_day.version, "case": action_day.case},
        ),
        "linked_case": (
            visible_cases(request.user).filter(pk=action_day.case_id).first()
            if action_day.case_id
            else None
        ),
    }


def changes_context(request: HttpRequest, action_day: ActionDay, redraw: Redraw) -> dict[str, Any]:
    """What ``plan.html#plan-changes`` redraws, in a fixed number of queries: only the
    touched teams' visits are read, and once only when that is all of them."""
    every_team = list(action_day.teams.all())
    team_ids = {pk for pk in redraw.teams if pk is not None}
    everything = None in redraw.teams and team_ids >= {team.pk for team in every_team}
    drawn = plan_visits(action_day)
    if not everything:
        touched = Q(team__in=team_ids)
        if None in redraw.teams:
            touched |= Q(team__isnull=True)
        drawn = drawn.filter(touched)
    by_team: dict[int | None, list[Visit]] = {}
    for visit in drawn:
        by_team.setdefault(visit.team_id, []).append(visit)
    teams = list(plan_teams(action_day).filter(pk__in=team_ids)) if team_ids else []
    # The conflicts read every visit: those drawn when they are all, else no more than
    # the checks need.
    every_visit = list(drawn) if everything else conflict_visits(action_day)
    context = rows_context(action_day, every_visit, every_team) | {
        "oob": True,
        "visit_total": len(every_visit),
        "teams": [(team, by_team.get(team.pk, [])) for team in teams],
        "redraw_unassigned": None in redraw.teams,
        "unassigned": by_team.get(None, []),
        "redraw_case": redraw.case,
    }
    if redraw.case:
        context |= case_context(request, action_day)
    return context


@login_required
def action_day_plan(request: HtmxHttpRequest, code: str) -> HttpResponse:
    candidates_only = bool(request.htmx) and request.GET.get("fragment") == "candidates"
    action_day = get_action_day_for_user(request, code, plannable=True, audit=not candidates_only)
    filters = PremisesFilterForm(request.GET or {"min_risk": 1.5}, user=request.user)
    if candidates_only and not filters.is_valid():
        plan_url = reverse("action-day-plan", args=[action_day.code])
        return refuse(request, form_errors(filters), redirect_to=plan_url)
    context = candidates_context(request, action_day, filters)
    if candidates_only:
        return render(request, "inspections/plan.html#candidates", context)
    context |= plan_context(request, action_day)
    context["filters"] = filters
    context["zones_json"] = [
        {"name": zone.name, "kind": zone.kind, "geometry": zone.geometry}
        for zone in visible_zones(request.user).filter(municipality=action_day.municipality)
    ]
    context["map_background"] = map_background(request.user, municipality=action_day.municipality)
    return render(request, "inspections/plan.html", context)


def candidates_context(
    request: HttpRequest, action_day: ActionDay, filters: PremisesFilterForm
) -> dict[str, Any]:
    premises: QuerySet[Premises] = visible_premises(request.user).filter(
        municipality=action_day.municipality
    )
    premises = filters.filter(premises) if filters.is_valid() else premises.none()
    planned = set(action_day.visits.values_list("premises", flat=True))
    rows = list(
        premises.order_by("-risk_score", "address").values_list(
            "pk",
            "code",
            "name",
            "address",
            "lon",
            "lat",
            "risk_score",
            "sector__code",
            "parcel_key",
        )[:CANDIDATE_LIMIT]
    )
    markers = [
        [
            str(code),
            round(lon, 6),
            round(lat, 6),
            band(score),
            pk in planned,
            Premises.name_for(name, address, parcel, lat, lon),
        ]
        for pk, code, name, address, lon, lat, score, _sector, parcel in rows
    ]
    listed = [
        {
            "code": code,
            "label": " – ".join(part for part in (name, address) if part)
            or Premises.name_for(name, address, parcel, lat, lon),
            "score": score,
            "band": band(score),
            "sector": sector,
            "planned": pk in planned,
        }
        for pk, code, name, address, lon, lat, score, sector, parcel in rows[:LIST_LIMIT]
    ]
    return {
        "candidates": listed,
        "candidate_count": len(rows),
        "candidate_limit": CANDIDATE_LIMIT,
        "markers": markers,
        "query": request.GET.urlencode(),
    }


def plan_change(
    request: HtmxHttpRequest,
    code: str,
    form_class: type,
    change: Callable[[ActionDay, Any], str | None],
    *,
    status_change: bool = False,
    redraw: Redraw | None = None,
) -> HttpResponse:
    """The one path of every change to a plan: access check, form, workflow, answer.

    Invalid input, a stale version, a workflow's refusal or, once the day is released,
    a new conflict change nothing and answer as a refusal (partners.http.refuse). A day
    in progress keeps its plan; only its status still moves, as the life cycle allows.
    An HTMX request gets the parts in ``redraw`` (filled in by ``change``), or the whole
    plan body without one."""
    action_day = get_action_day_for_user(request, code, plannable=True)
    form = form_class(request.POST, action_day=action_day, **form_kwargs(form_class, request))
    status, note = attempt(action_day, form, change, status_change=status_change)
    if status != 200:
        plan_url = reverse("action-day-plan", args=[action_day.code])
        return refuse(request, note or "", status=status, redirect_to=plan_url)
    action_day.refresh_from_db()
    if not request.htmx:
        if note:
            (messages.warning if isinstance(note, Caveat) else messages.success)(request, note)
        return redirect("action-day-plan", code=action_day.code)
    noted = {"note": note, "note_ok": not isinstance(note, Caveat)}
    if redraw is not None:
        context = changes_context(request, action_day, redraw) | noted
        response = reswap(render(request, "inspections/plan.html#plan-changes", context), "none")
        return trigger_client_event(response, "plan-changed") if redraw.planned else response
    response = render(
        request, "inspections/plan.html#plan-body", plan_context(request, action_day) | noted
    )
    return trigger_client_event(response, "plan-changed")


class Caveat(str):
    """A change's note that also reports something it left undone: shown as a warning."""


def attempt(
    action_day: ActionDay,
    form: Any,
    change: Callable[[ActionDay, Any], str | None],
    *,
    status_change: bool,
) -> tuple[int, str | None]:
    """Apply the change in one transaction; the answer's status and note."""
    if not (status_change or action_day.is_editable):
        return 400, _("This action day is “%(status)s”: its plan can no longer be changed.") % {
            "status": action_day.get_status_display()
        }
    if not form.is_valid():
        return 400, form_errors(form)
    try:
        with transaction.atomic(), actions.no_new_conflicts(action_day):
            return 200, change(action_day, form)
    except actions.StalePlan as error:
        return 409, str(error)
    except ValidationError as error:
        return 400, " ".join(error.messages)


def form_errors(form: Any) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def form_kwargs(form_class: type, request: HttpRequest) -> dict[str, Any]:
    return {"user": request.user} if form_class in (AddVisitsForm, CaseLinkForm) else {}


@login_required
@require_POST
def plan_add_visits(request: HtmxHttpRequest, code: str) -> HttpResponse:
    # New visits have no team yet.
    redraw = Redraw(teams={None}, planned=True)

    def change(action_day: ActionDay, form: AddVisitsForm) -> str:
        # A drawn area takes the premises inside it that match the current filters.
        filters = PremisesFilterForm(request.POST, user=request.user)
        candidates: QuerySet[Premises] = visible_premises(request.user).filter(
            municipality=action_day.municipality
        )
        if filters.is_valid():
            candidates = filters.filter(candidates)
        chosen = form.chosen(candidates)
        to_add, left_out = split_selection(action_day, form, chosen)
        if not to_add:
            raise ValidationError(" ".join(left_out) or _("No premises in that selection."))
        added = actions.add_visits(
            action_day=action_day,
            user=request.user,
            version=form.cleaned_data["version"],
            premises=to_add,
        )
        note = _("%(count)d visit(s) added.") % {"count": len(added)}
        if not left_out:
            return note
        return Caveat(f"{note} {_('Left out:')} {' '.join(left_out)}")

    return plan_change(request, code, AddVisitsForm, change, redraw=redraw)


def split_selection(
    action_day: ActionDay, form: AddVisitsForm, chosen: list[Premises]
) -> tuple[list[Premises], list[str]]:
    """The chosen premises that become visits, and why the others do not, naming them
    (name and address, never an id) unless the user may not see them."""
    planned = set(action_day.visits.values_list("premises", flat=True))
    foreign = [item for item in chosen if item.municipality_id != action_day.municipality_id]
    already = [item for item in chosen if item.pk in planned]
    to_add = [item for item in chosen if item not in foreign and item.pk not in planned]
    reasons = []
    if foreign:
        reasons.append(
            _("%(premises)s: not in %(city)s (an action day visits premises of its own city).")
            % {"premises": premises_names(foreign), "city": action_day.municipality}
        )
    if already:
        reasons.append(
            _("%(premises)s: already in the plan.") % {"premises": premises_names(already)}
        )
    unseen = (
        0
        if form.cleaned_data["polygon"]
        else len(set(form.cleaned_data["premises"]) - {item.code for item in chosen})
    )
    if unseen:
        reasons.append(
            ngettext(
                "%(count)d chosen premises is not among the premises you may see.",
                "%(count)d chosen premises are not among the premises you may see.",
                unseen,
            )
            % {"count": unseen}
        )
    return to_add, reasons


def premises_names(premises: list[Premises], shown: int = 5) -> str:
    names = [
        ", ".join(part for part in (item.name, item.address) if part)
        or _("premises without a name or address")
        for item in premises[:shown]
    ]
    if len(premises) > shown:
        names.append(_("%(count)d more") % {"count": len(premises) - shown})
    return "; ".join(names)


@login_required
@require_POST
def plan_remove_visit(request: HtmxHttpRequest, code: str) -> HttpResponse:
    redraw = Redraw(planned=True)

    def change(action_day: ActionDay, form: Any) -> str:
        data = form.cleaned_data
        redraw.teams.add(data["visit"].team_id)
        data["visit"].action_day = action_day
        actions.remove_visit(visit=data["visit"], user=request.user, version=data["version"])
        return _("The visit was removed.")

    return plan_change(request, code, VisitForm, change, redraw=redraw)


@login_required
@require_POST
def plan_case(request: HtmxHttpRequest, code: str) -> HttpResponse:
    def change(action_day: ActionDay, form: CaseLinkForm) -> str:
        case = form.cleaned_data["case"]
        attach_case(
            action_day=action_day,
            user=request.user,
            version=form.cleaned_data["version"],
            case=case,
        )
        if case is None:
            return _("The day is no longer tied to a case.")
        return _("The day now carries out case %(number)s.") % {"number": case.number}

    return plan_change(request, code, CaseLinkForm, change, redraw=Redraw(case=True))


@login_required
@require_POST
def plan_partners(request: HtmxHttpRequest, code: str) -> HttpResponse:
    def change(action_day: ActionDay, form: Any) -> str:
        data = form.cleaned_data
        actions.set_partners(
            action_day=action_day,
            user=request.user,
            version=data["version"],
            partners=data["partners"],
        )
        return _("The participating partners were saved.")

    return plan_change(request, code, PartnersForm, change)


@login_required
@require_POST
def plan_team(request: HtmxHttpRequest, code: str) -> HttpResponse:
    def change(action_day: ActionDay, form: Any) -> str:
        data = form.cleaned_data
        team: Team | None = data.get("team")
        actions.save_team(
            action_day=action_day,
            user=request.user,
            version=data["version"],
            name=data["name"],
            lead=data["lead"],
            members=list(data["members"]),
            team=team,
        )
        # Team names are usually "Team 1": the message names the team only once.
        return _("“%(name)s” was saved.") % {"name": data["name"]}

    return plan_change(request, code, TeamForm, change)


@login_required
@require_POST
def plan_team_delete(request: HtmxHttpRequest, code: str) -> HttpResponse:
    def change(action_day: ActionDay, form: Any) -> str:
        team: Team = form.cleaned_data["team"]
        team.action_day = action_day
        actions.delete_team(team=team, user=request.user, version=form.cleaned_data["version"])
        return _("“%(name)s” was deleted.") % {"name": team.name}

    return plan_change(request, code, TeamDeleteForm, change)


@login_required
@require_POST
def plan_assign(request: HtmxHttpRequest, code: str) -> HttpResponse:
    redraw = Redraw()

    def change(action_day: ActionDay, form: Any) -> None:
        data = form.cleaned_data
        # The team it leaves and the one it joins.
        redraw.teams.update({data["visit"].team_id, data["team"].pk if data["team"] else None})
        data["visit"].action_day = action_day
        actions.assign_visit(
            visit=data["visit"], team=data["team"], user=request.user, version=data["version"]
        )

    return plan_change(request, code, AssignForm, change, redraw=redraw)


class RouteForm(VisitForm):
    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, action_day=action_day, **kwargs)
        self.fields["visit"].required = False


@login_required
@require_POST
def plan_routes(request: HtmxHttpRequest, code: str) -> HttpResponse:
    redraw = Redraw()

    def change(action_day: ActionDay, form: Any) -> str:
        data = form.cleaned_data
        # Every team's route. The visits without a team keep theirs (none), but are
        # redrawn too: the conflicts read every visit, and so read them once.
        redraw.teams.update({None, *action_day.teams.values_list("pk", flat=True)})
        count = actions.plan_routes(
            action_day=action_day, user=request.user, version=data["version"]
        )
        return _("Routes and slots proposed for %(count)d visit(s).") % {"count": count}

    return plan_change(request, code, RouteForm, change, redraw=redraw)


class StatusChangeForm(StatusForm):
    def __init__(self, *args: Any, action_day: ActionDay, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


@login_required
@require_POST
def plan_status(request: HtmxHttpRequest, code: str) -> HttpResponse:
    done: list[str] = []

    def change(action_day: ActionDay, form: Any) -> str:
        data = form.cleaned_data
        try:
            actions.change_status(
                action_day=action_day,
                user=request.user,
                version=data["version"],
                status=data["status"],
            )
        except InvalidTransition as error:
            raise ValidationError(str(error)) from error
        done.append(
            _("The action day is now “%(status)s”.")
            % {"status": ActionDay.Status(data["status"]).label}
        )
        return done[0]

    response = plan_change(request, code, StatusChangeForm, change, status_change=True)
    if request.htmx and response.status_code == 200:
        # The whole page changes with the status (what may still be edited); the
        # reloaded page says what happened.
        response["HX-Refresh"] = "true"
        messages.success(request, done[0])
    return response


@login_required
@require_POST
def plan_adjust_visit(request: HtmxHttpRequest, code: str) -> HttpResponse:
    redraw = Redraw()

    def change(action_day: ActionDay, form: Any) -> str:
        data = form.cleaned_data
        redraw.teams.add(data["visit"].team_id)
        data["visit"].action_day = action_day
        actions.adjust_visit(
            visit=data["visit"],
            user=request.user,
            version=data["version"],
            competency=data["competency"],
            partner=data["partner"],
            entry_partner=data["entry_partner"],
        )
        return _("The checks of %(premises)s were adjusted.") % {"premises": data["visit"].premises}

    return plan_change(request, code, TaskForm, change, redraw=redraw)


def rules_context(municipality: Any) -> dict[str, Any]:
    needed = actions.sector_rules_in_use(municipality)
    competencies = with_local_legal_basis(
        Competency.objects.applying_to(municipality), municipality
    )
    rows = [
        (
            sector,
            [(competency, (sector.pk, competency.pk) in needed) for competency in competencies],
        )
        for sector in Sector.objects.all()
    ]
    return {"municipality": municipality, "competencies": competencies, "rows": rows}


@login_required
def sector_rules(request: HttpRequest) -> HttpResponse:
    """The sector × competency rules that propose each visit's checks."""
    return rules_page(request)


def rules_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    municipalities = coordinated_municipalities(request.user)
    municipality = (
        municipalities.filter(code=request.GET.get("municipality")).first()
        or municipalities.first()
    )
    if municipality is None:
        raise PermissionDenied
    context = rules_context(municipality) | {"municipalities": municipalities}
    return render(request, "inspections/sector_rules.html", context, status=status)


@login_required
@require_POST
def sector_rule_toggle(request: HtmxHttpRequest) -> HttpResponse:
    form = SectorRuleToggleForm(request.POST, user=request.user)
    if not form.is_valid():
        if not coordinated_municipalities(request.user).exists():
            raise PermissionDenied
        message = _("Nothing was changed: %(errors)s") % {"errors": form_errors(form)}
        if request.htmx:
            return refuse(request, message, redirect_to=reverse("sector-rules"))
        messages.error(request, message)
        return rules_page(request, status=400)
    data = form.cleaned_data
    actions.set_sector_rule(
        municipality=data["municipality"],
        user=request.user,
        sector=data["sector"],
        competency=data["competency"],
        needed=data["needed"],
    )
    if not request.htmx:
        messages.success(request, _("The rules were saved."))
        return redirect(f"{reverse('sector-rules')}?municipality={data['municipality'].code}")
    context = {
        "municipality": data["municipality"],
        "sector": data["sector"],
        "competency": data["competency"],
        "needed": data["needed"],
        "saved": True,
    }
    return render(request, "inspections/sector_rules.html#rule-cell", context)
