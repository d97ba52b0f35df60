"""Decision workflows of the mayor's office. Each is one transaction with its audit row;
documents are queued for the worker once it commits.

Rules:

- A decision starts from a final joint report; its motivation is pre-filled with the
  report's facts, one consideration per line (the document numbers them), which the
  advisor edits. The signatory proposed is the one of the municipality's last decision
  by the same body, else the person drafting, in the body's capacity.
- It cannot be taken while a step its type requires is missing (the hearing, the prior
  warning, the prosecutor's consultation, each dated on or before the decision date), a
  date is missing, in the future or out of order, or the duration exceeds the type's
  maximum.
- A decision imposing a measure already taken for the same premises over a period that
  overlaps is taken only when the overlap is confirmed.
- Taking it gives it its identification (a counter row per municipality and year,
  incremented under the row's lock), freezes it, queues the decision document and
  proposes a follow-up inspection three weeks before the measure ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from decisions import documents
from decisions.models import (
    Decision,
    DecisionCounter,
    DecisionTypeVersion,
    Document,
    FollowUp,
    JointReport,
    add_months,
)
from decisions.rendering import pick
from gis.models import Premises
from partners import audit, numbering
from partners.models import AuditEntry, Municipality


class DecisionRefused(Exception):
    """A step the rules do not allow; nothing was changed."""


def next_identification(municipality: Municipality, year: int) -> str:
    """``<municipality code>-<year>-<number>``, numbered without gaps or doubles
    (partners.numbering)."""
    return numbering.next_in_year(DecisionCounter, municipality, year)


def considerations(report: JointReport, version: DecisionTypeVersion, language: str) -> str:
    """The report's facts as considerations, one a line, then the type's model
    motivation. Unnumbered: the document numbers them, so a line added or removed by
    the advisor never leaves a gap or a number printed twice."""
    content = report.content
    lines = []
    with translation.override(language):
        day = date.fromisoformat(content["action_day"]["date"])
        lines.append(
            _(
                "Having regard to the joint report %(number)s (version %(version)s) of the "
                "inspection of %(date)s at %(premises)s;"
            )
            % {
                "number": report.number,
                "version": report.version,
                "date": formats.date_format(day),
                "premises": content["premises"]["label"],
            }
        )
        for item in content.get("infractions", []):
            reference = f" ({item['legal_reference']})" if item["legal_reference"] else ""
            lines.append(
                _("Whereas %(partner)s found: %(finding)s: %(answer)s%(reference)s;")
                % {
                    "partner": item["partner"],
                    "finding": pick(item["label"], language).rstrip("?"),
                    "answer": pick(item["display"], language),
                    "reference": reference,
                }
            )
        for item in content.get("measures", []):
            lines.append(
                _("Whereas %(partner)s took a measure on the spot: %(measure)s;")
                % {"partner": item["partner"], "measure": pick(item["label"], language).rstrip("?")}
            )
        counted = content.get("counts", {})
        if counted.get("persons_present") is not None:
            lines.append(
                _("Whereas %(count)s persons were present;") % {"count": counted["persons_present"]}
            )
        lines += [line for line in version.motivation(language).splitlines() if line.strip()]
    return "\n".join(lines)


def proposed_signatory(municipality: Municipality, body: str, user: Any) -> tuple[str, str]:
    """(name, capacity) for a new draft: the last signatory of this body, else the person
    drafting; the capacity in the municipality's language."""
    last = (
        Decision.objects.filter(municipality=municipality, governing_body=body)
        .decided()
        .exclude(signatory_name="")
        .order_by("-decision_date", "-pk")
        .first()
    )
    if last is not None:
        return last.signatory_name, last.signatory_capacity
    with translation.override(municipality.language):
        capacity = str(Decision.Body(body).label)
    return user.get_full_name().strip(), capacity


@transaction.atomic
def start_decision(
    *, report: JointReport, type_version: DecisionTypeVersion, user: Any
) -> Decision:
    if not report.is_final:
        raise DecisionRefused(_("A decision starts from a final joint report."))
    if type_version.status != DecisionTypeVersion.Status.PUBLISHED:
        raise DecisionRefused(_("Choose a published decision type."))
    premises = report.visit.premises
    municipality = report.municipality
    signatory, capacity = proposed_signatory(municipality, Decision.Body.MAYOR, user)
    decision = Decision.objects.create(
        municipality=municipality,
        type_version=type_version,
        measure=(type_version.measures or ["order"])[0],
        joint_report=report,
        premises=premises,
        operator_name=premises.operator_name,
        enterprise_number=premises.enterprise_number,
        motivation=considerations(report, type_version, municipality.language),
        signatory_name=signatory,
        signatory_capacity=capacity,
        created_by=user,
    )
    decision.articles.set(type_version.articles.all())
    pdf = report.current_pdf()
    if pdf is not None:
        decision.documents.add(pdf)
    audit.record(user, AuditEntry.Action.CREATE, decision, report=str(report.code))
    return decision


def require_open(decision: Decision) -> None:
    if not decision.is_open:
        raise DecisionRefused(_("This decision has been taken and can no longer be changed."))


@transaction.atomic
def save_draft(*, decision: Decision, values: dict[str, Any], user: Any) -> Decision:
    """Change the draft's fields (``Decision.DRAFT_FIELDS``, as the draft form cleaned
    them); the audit row names the fields that changed."""
    unknown = set(values) - set(Decision.DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Not draft fields: {', '.join(sorted(unknown))}")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    require_open(decision)
    values = dict(values)
    articles = values.pop("articles", None)
    changed = [name for name, value in values.items() if getattr(decision, name) != value]
    for name in changed:
        setattr(decision, name, values[name])
    decision.save()
    if articles is not None and set(decision.articles.all()) != set(articles):
        decision.articles.set(articles)
        changed.append("articles")
    audit.record(user, AuditEntry.Action.CHANGE, decision, fields=sorted(changed))
    return decision


@transaction.atomic
def schedule_hearing(*, decision: Decision, at: datetime, place: str, user: Any) -> Decision:
    require_open(decision)
    decision.hearing_at = at
    decision.hearing_place = place
    decision.status = Decision.Status.HEARING
    decision.save()
    documents.decision_document(decision=decision, kind=Document.Kind.INVITATION, user=user)
    audit.record(user, AuditEntry.Action.CHANGE, decision, hearing=at.isoformat())
    return decision


@transaction.atomic
def record_hearing(*, decision: Decision, heard_on: date, minutes: str, user: Any) -> Decision:
    require_open(decision)
    if decision.hearing_at is None:
        raise DecisionRefused(_("Schedule the hearing first."))
    if heard_on < timezone.localdate(decision.hearing_at) or heard_on > timezone.localdate():
        raise DecisionRefused(
            _("The operator is heard on or after the scheduled date, and not in the future.")
        )
    decision.heard_on = heard_on
    decision.hearing_minutes = minutes
    decision.save()
    documents.decision_document(decision=decision, kind=Document.Kind.MINUTES, user=user)
    audit.record(user, AuditEntry.Action.CHANGE, decision, heard_on=heard_on.isoformat())
    return decision


def problems(decision: Decision, today: date | None = None) -> list[str]:
    """Why the decision cannot be taken yet (empty when it can)."""
    today = today or timezone.localdate()
    version = decision.type_version
    found: list[str] = []
    decided = decision.decision_date
    if decided is None:
        found.append(_("Give the decision date."))
    elif decided > today:
        found.append(_("The decision date cannot be in the future."))
    if not decision.motivation.strip():
        found.append(_("The decision needs a motivation."))
    if not decision.articles.exists():
        found.append(_("Cite at least one legal article."))
    if not decision.signatory_name.strip():
        found.append(_("Give the name of the person who signs the decision."))
    if not decision.signatory_capacity.strip():
        found.append(_("Give the capacity in which the decision is signed."))
    found += period_problems(decision)
    for step in version.required_steps(urgent=decision.urgent):
        found += step_problems(decision, step, decided)
    if version.requires_remedy_term and not decision.urgent and decision.remedy_deadline is None:
        found.append(_("Unless urgent, this decision needs a term to remedy."))
    return found


def period_problems(decision: Decision) -> list[str]:
    found = []
    start, end = decision.effective_from, decision.expires_on
    limit = decision.type_version.max_duration_months
    if start is None:
        found.append(_("Give the date the measure takes effect."))
    elif decision.decision_date and start < decision.decision_date:
        found.append(_("The measure cannot take effect before the decision date."))
    if start and end and end < start:
        found.append(_("The measure must end after it takes effect."))
    if limit is not None:
        if end is None:
            found.append(
                _("This measure lasts at most %(months)s months: give its end date.")
                % {"months": limit}
            )
        elif start and end > add_months(start, limit):
            found.append(
                _("This measure lasts at most %(months)s months: it would end after %(limit)s.")
                % {"months": limit, "limit": formats.date_format(add_months(start, limit))}
            )
    return found


def step_problems(decision: Decision, step: str, decided: date | None) -> list[str]:
    when = {
        "hearing": decision.heard_on,
        "prior_warning": decision.warned_on,
        "prosecutor": decision.prosecutor_consulted_on,
    }[step]
    missing = {
        "hearing": _("The operator must be heard before this decision."),
        "prior_warning": _("This decision requires a prior warning."),
        "prosecutor": _("This decision requires the prior consultation of the prosecutor."),
    }[step]
    if when is None:
        return [missing]
    hearing_day = timezone.localdate(decision.hearing_at) if decision.hearing_at else None
    if step == "hearing" and hearing_day and decided and hearing_day > decided:
        return [_("The hearing is scheduled after the decision date.")]
    if decided and when > decided:
        return [missing + " " + _("It is dated after the decision date.")]
    return []


def overlap_warnings(decision: Decision) -> list[str]:
    """The measures already taken that this decision would overlap, with their
    identification and period."""
    warnings = []
    for other in Decision.objects.overlapping(decision):
        until = formats.date_format(other.expires_on) if other.expires_on else "—"
        start = formats.date_format(other.effective_from) if other.effective_from else "—"
        warnings.append(
            _(
                "%(measure)s %(identification)s (%(status)s) already applies to these "
                "premises from %(start)s until %(until)s."
            )
            % {
                "measure": other.get_measure_display(),
                "identification": other.identification,
                "start": start,
                "until": until,
                "status": other.get_status_display().lower(),
            }
        )
    return warnings


@transaction.atomic
def finalise(*, decision: Decision, user: Any, overlap_confirmed: bool = False) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    require_open(decision)
    found = problems(decision)
    if found:
        raise DecisionRefused(" ".join(found))
    # Two overlapping measures taken at once: the second waits and sees the first.
    list(Premises.objects.select_for_update().filter(pk=decision.premises_id).values("pk"))
    overlaps = overlap_warnings(decision)
    if overlaps and not overlap_confirmed:
        raise DecisionRefused(
            " ".join([*overlaps, _("Confirm the overlap to take this decision all the same.")])
        )
    assert decision.decision_date is not None
    decision.identification = next_identification(
        decision.municipality, decision.decision_date.year
    )
    decision.status = Decision.Status.DECIDED
    decision.save()
    documents.decision_document(decision=decision, kind=Document.Kind.DECISION, user=user)
    due = decision.follow_up_due()
    if due is not None:
        FollowUp.objects.create(decision=decision, municipality=decision.municipality, due_on=due)
    detail: dict[str, Any] = {"decided": decision.identification}
    if overlaps:
        detail["overlap_confirmed"] = len(overlaps)
    audit.record(user, AuditEntry.Action.CHANGE, decision, **detail)
    return decision


@transaction.atomic
def serve(*, decision: Decision, dispatch_date: date, user: Any) -> Decision:
    if decision.status != Decision.Status.DECIDED:
        raise DecisionRefused(_("Only a decision that has been taken is served."))
    assert decision.decision_date is not None
    if dispatch_date < decision.decision_date or dispatch_date > timezone.localdate():
        raise DecisionRefused(_("The dispatch date lies between the decision date and today."))
    decision.dispatch_date = dispatch_date
    term = decision.type_version.appeal_term_days
    decision.appeal_deadline = dispatch_date + timedelta(days=term) if term else None
    decision.status = Decision.Status.SERVED
    refresh_status(decision)
    decision.save()
    audit.record(user, AuditEntry.Action.CHANGE, decision, served=dispatch_date.isoformat())
    return decision


def refresh_status(decision: Decision, today: date | None = None) -> bool:
    """Served → in force on its first day; in force → expired after its last."""
    today = today or timezone.localdate()
    before = decision.status
    start, end = decision.effective_from, decision.expires_on
    if decision.status == Decision.Status.SERVED and start and start <= today:
        decision.status = Decision.Status.IN_FORCE
    if decision.status == Decision.Status.IN_FORCE and end and end < today:
        decision.status = Decision.Status.EXPIRED
        decision.expiry_reason = Decision.ExpiryReason.TEMPORARY
        decision.ended_on = end
    return decision.status != before


def shown_as_of_today(decisions: Iterable[Decision]) -> list[Decision]:
    """The decisions with the status their dates give them today, changed in memory
    only: a page shows a measure whose last day passed as expired before the nightly
    run (refresh_all_statuses) has written it, and reading writes nothing."""
    listed = list(decisions)
    for decision in listed:
        refresh_status(decision)
    return listed


def bring_up_to_date(decision: Decision) -> Decision:
    """Write the status the dates give the decision today, before a step acts on it
    (a POST), so no step works on a measure that has in fact ended."""
    if refresh_status(decision):
        decision.save(update_fields=["status", "expiry_reason", "ended_on", "updated_at"])
    return decision


def refresh_all_statuses() -> int:
    """The nightly schedule's task: every municipality's decisions brought up to date."""
    return refresh_statuses(None)


def refresh_statuses(municipalities: Any) -> int:
    """Bring the served and in-force decisions of these municipalities (all of them for
    None) up to date."""
    changed = 0
    waiting = Decision.objects.filter(
        status__in=(Decision.Status.SERVED, Decision.Status.IN_FORCE),
    )
    if municipalities is not None:
        waiting = waiting.filter(municipality__in=municipalities)
    for decision in waiting:
        if refresh_status(decision):
            decision.save(update_fields=["status", "expiry_reason", "ended_on", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def lift(*, decision: Decision, on: date, reason: str, user: Any) -> Decision:
    if decision.status not in (Decision.Status.SERVED, Decision.Status.IN_FORCE):
        raise DecisionRefused(_("Only a served decision is lifted."))
    if decision.effective_from and on < decision.effective_from:
        raise DecisionRefused(_("A measure is lifted on or after the day it took effect."))
    decision.status = Decision.Status.LIFTED
    decision.ended_on = on
    decision.expiry_reason = reason
    decision.save()
    FollowUp.objects.filter(decision=decision, status=FollowUp.Status.PROPOSED).update(
        status=FollowUp.Status.DISMISSED
    )
    audit.record(user, AuditEntry.Action.CHANGE, decision, lifted=on.isoformat(), reason=reason)
    return decision


@transaction.atomic
def note_appeal(*, decision: Decision, lodged_on: date, note: str, user: Any) -> Decision:
    if decision.dispatch_date is None:
        raise DecisionRefused(_("An appeal is noted once the decision has been served."))
    if lodged_on < decision.dispatch_date or lodged_on > timezone.localdate():
        raise DecisionRefused(_("The appeal is lodged between the dispatch date and today."))
    decision.appeal_lodged_on = lodged_on
    decision.appeal_note = note
    decision.save()
    audit.record(user, AuditEntry.Action.CHANGE, decision, appeal=lodged_on.isoformat())
    return decision
