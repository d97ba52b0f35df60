"""The aftermath of the demo's closed action day ("Controleactie Zennevallei"): findings
of the police, the social inspection and the fire service at its visits, a final joint
report of the first visit signed by all three, and a closure on serious indications of
human trafficking (art. 134quinquies, 4 months) decided after the prosecutor's
consultation and the operator's hearing, served and in force — so `mayor` sees the
whole path, `clerk` sees the premises flagged and `coordinator` the follow-up.

Everything goes in through what the pages and the field app call, so the demo holds
nothing the interface cannot reach:

- the findings are submitted by each inspector through the sync API's own function
  (``inspections.sync.submit``, photos through ``inspections.evidence.store_photo``)
  while the day is still in progress: :func:`record_closed_day_findings` is registered
  with ``inspections.demo`` when this module is imported (``load_demo`` imports it
  before it builds the days) and is called once the day's visits have ended;
- the report is compiled by the mayor's office and signed by each partner through the
  report actions the report pages call;
- the decision is drafted, its hearing scheduled and recorded, its fields filled in
  through the decision page's form and action, then taken and served.

Idempotent: nothing is added when the first visit already has a joint report.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from PIL import Image, ImageDraw

from decisions import actions, reports
from decisions.catalogue import seed_catalogue
from decisions.forms import DecisionDraftForm
from decisions.models import (
    Decision,
    DecisionType,
    DecisionTypeVersion,
    JointReport,
    LegalArticle,
    add_months,
)
from inspections import evidence, sync
from inspections.checklists.definition import photos_in
from inspections.demo import LAST_MONTH_TITLE, on_closed_day_field_work
from inspections.field_access import current_versions
from inspections.models import ActionDay, ChecklistTemplate, Finding, Visit
from partners.models import Municipality

# Submissions of the demo have fixed client ids, as a device keeps them.
DEMO_CLIENTS = uuid.UUID("6f0c3c1e-3d0b-4a55-9d8e-0d5e1a7c2b10")

# partner slug, user, checklist, answers (photo answers are filled in with demo photos)
FIRST_VISIT: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "pz-zennevallei",
        "police",
        "police-identities",
        {
            "persons_present": 6,
            "identities_checked": 6,
            "without_id": 2,
            "irregular_stay": "yes",
            "irregular_stay_count": 2,
            "papers_held_by_operator": "yes",
            "police_notes": "Uitbater gekend bij de recherche (lopend onderzoek).",
        },
    ),
    (
        "sociale-inspectie",
        "social",
        "social-employment",
        {
            "workers_present": 5,
            "without_dimona": "yes",
            "without_dimona_count": 3,
            "contracts": "none",
            "fee_to_work": "yes",
            "false_self_employed": "yes",
            "rent_withheld": "yes",
            "documents": ["#photo:papers"],
        },
    ),
    # The fire service has no fire-safety check at these premises in the day's plan; like
    # every partner it checks the human-trafficking indicators, shared with the partners
    # only: its report section says so, and counts none of it.
    (
        "hvz-vbw",
        "fire",
        "trafficking-indicators",
        {
            "papers_held": "yes",
            "interpreter_present": "yes",
            "debt": "yes",
            "no_own_money": "yes",
            "minors": "no",
            "victims_count": 5,
            "referred": "yes",
        },
    ),
]
OTHER_VISITS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "sociale-inspectie",
        "social",
        "social-employment",
        {"workers_present": 2, "without_dimona": "no", "contracts": "all"},
    ),
    (
        "hvz-vbw",
        "fire",
        "trafficking-indicators",
        {"papers_held": "no", "interpreter_present": "no", "debt": "no"},
    ),
]
PHOTO_COLOURS = {"papers": "#c8b88a"}


def demo_photo(name: str) -> bytes:
    """A small JPEG standing in for a photo taken in the field."""
    image = Image.new("RGB", (480, 360), PHOTO_COLOURS.get(name, "#888888"))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 340), outline="#ffffff", width=4)
    draw.text((40, 40), f"Demo: {name}", fill="#ffffff")
    stream = io.BytesIO()
    image.save(stream, format="JPEG", quality=80)
    return stream.getvalue()


def photo_answers(answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The answers with each "#photo:<name>" replaced by the photo's SHA-256, as the
    field app sends them, and the photos' bytes by SHA-256."""
    photos: dict[str, bytes] = {}
    sent: dict[str, Any] = {}
    for name, value in answers.items():
        if isinstance(value, list) and value and str(value[0]).startswith("#photo:"):
            blobs = [demo_photo(item.removeprefix("#photo:")) for item in value]
            hashes = [hashlib.sha256(blob).hexdigest() for blob in blobs]
            photos.update(zip(hashes, blobs, strict=True))
            sent[name] = hashes
        else:
            sent[name] = value
    return sent, photos


def record_finding(
    visit: Visit, partner_slug: str, user: Any, slug: str, answers: dict[str, Any]
) -> Finding:
    """Submit one finding and its photos as the inspector's device does."""
    if user.person.partner.slug != partner_slug:
        raise ValueError(f"{user} does not work for {partner_slug}")
    template = ChecklistTemplate.objects.get(slug=slug)
    version = current_versions([template])[template.pk]
    sent, photos = photo_answers(answers)
    started = visit.started_at or timezone.now()
    stored = sync.submit(
        user=user,
        client_id=uuid.uuid5(DEMO_CLIENTS, f"{visit.code}/{slug}"),
        visit_code=visit.code,
        version_code=version.code,
        answers=sent,
        base_version=None,
        recorded_at=started + timedelta(minutes=20),
    )
    for sha256 in sorted(photos_in(version.definition, stored.submission.answers)):
        evidence.store_photo(
            user=user, submission=stored.submission, sha256=sha256, data=photos[sha256]
        )
    return stored.finding


@on_closed_day_field_work
def record_closed_day_findings(action_day: ActionDay) -> None:
    """The inspectors' findings of last month's day, its visits ended, the day still in
    progress."""
    visits = list(action_day.visits.filter(status=Visit.Status.DONE).order_by("route_order", "pk"))
    if not visits:
        return
    users = {user.username: user for user in get_user_model().objects.select_related("person")}
    first, *others = visits
    for partner, username, slug, answers in FIRST_VISIT:
        record_finding(first, partner, users[username], slug, answers)
    for visit in others[:3]:
        for partner, username, slug, answers in OTHER_VISITS:
            record_finding(visit, partner, users[username], slug, answers)


def at(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def fill_draft(decision: Decision, user: Any, **changes: Any) -> Decision:
    """Change the draft through the decision page's own form and action."""
    data = {
        name: value
        for name, value in model_to_dict(decision, fields=Decision.DRAFT_FIELDS).items()
        if value is not None
    }
    data["articles"] = [article.pk for article in data.get("articles", [])]
    form = DecisionDraftForm({**data, **changes}, instance=decision)
    if not form.is_valid():
        raise ValueError(f"The demo's draft does not fit the form: {form.errors.as_json()}")
    return actions.save_draft(decision=decision, values=form.cleaned_data, user=user)


def decide_closure(report: JointReport, mayor: Any) -> Decision:
    """The 134quinquies closure of 4 months, every step recorded, served, in force."""
    held = report.visit.action_day.date
    version = DecisionType.objects.get(code="be-ngw-134quinquies").current_version()
    assert version is not None
    decision = actions.start_decision(report=report, type_version=version, user=mayor)
    decision = actions.schedule_hearing(
        decision=decision,
        at=at(held + timedelta(days=12), 10),
        place="Stadhuis Halle, Grote Markt 1 – vergaderzaal 2",
        user=mayor,
    )
    decision = actions.record_hearing(
        decision=decision,
        heard_on=held + timedelta(days=12),
        minutes=(
            "De uitbater verschijnt met zijn raadsman. Hij betwist de feiten niet, "
            "maar stelt dat de werknemers 'familie' zijn. Hij verbindt zich ertoe "
            "de slaapplaatsen te ontruimen."
        ),
        user=mayor,
    )
    decided = held + timedelta(days=15)
    decision = fill_draft(
        decision,
        mayor,
        measure="closure",
        decision_date=iso(decided),
        effective_from=iso(decided + timedelta(days=1)),
        expires_on=iso(add_months(decided + timedelta(days=1), 4)),
        prosecutor_consulted_on=iso(held + timedelta(days=5)),
        prosecutor_reference="HV.55.L1.2025/0412",
        prosecutor_advice="Geen bezwaar tegen een bestuurlijke sluiting; het onderzoek loopt.",
        lifting_condition=(
            "Tot de uitbater bewijst dat de nodige maatregelen genomen zijn: aangifte van alle "
            "werknemers, ontruiming van de slaapplaatsen, een gunstig brandweeradvies."
        ),
    )
    decision = actions.finalise(decision=decision, user=mayor)
    return actions.serve(decision=decision, dispatch_date=decided + timedelta(days=1), user=mayor)


def iso(day: date) -> str:
    return day.isoformat()


@transaction.atomic
def load(municipality: Municipality) -> None:
    if not DecisionType.objects.exists():
        seed_catalogue(LegalArticle, DecisionType, DecisionTypeVersion)
    day = ActionDay.objects.filter(municipality=municipality, title=LAST_MONTH_TITLE).first()
    if day is None or day.status not in (ActionDay.Status.CLOSED, ActionDay.Status.REPORTED):
        return
    visits = list(day.visits.filter(status=Visit.Status.DONE).order_by("route_order", "pk"))
    if not visits or JointReport.objects.filter(visit=visits[0]).exists():
        return
    first = visits[0]
    if not Finding.objects.filter(visit=first).exists():
        # A day built before this module was loaded has no findings to report on.
        return
    users = {user.username: user for user in get_user_model().objects.select_related("person")}
    report = reports.compile_report(visit=first, user=users["mayor"])
    for username in ("police", "social", "fire"):
        person = users[username].person
        report = reports.sign_off(
            report=report,
            partner_id=person.partner_id,
            user=users[username],
            mention_further_information=username == "police",
        )
    decide_closure(report, users["mayor"])
