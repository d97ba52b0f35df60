"""The aftermath of the demo's closed action day ("Controleactie Zennevallei"): findings
of the police, the social inspection and the fire service at its visits, a final joint
report of the first visit signed by all three, and a closure on serious indications of
human trafficking (art. 134quinquies, 4 months) decided after the prosecutor's
consultation and the operator's hearing, served and in force — so `mayor` sees the
whole path, `clerk` sees the premises flagged and `coordinator` the follow-up.

Findings are stored as the field code stores them: answers validated against the
published checklist version, one answer row per answer with the question's sharing
level, indicator and legal reference. The day is closed, so the field API (which only
accepts released days) is not the way in.

Idempotent: nothing is added when the first visit already has a joint report.
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from decisions import actions, reports
from decisions.catalogue import seed_catalogue
from decisions.models import (
    Decision,
    DecisionType,
    DecisionTypeVersion,
    JointReport,
    LegalArticle,
    add_months,
)
from gis.models import Indicator
from inspections.checklists.definition import clean_answers
from inspections.demo import LAST_MONTH_TITLE
from inspections.evidence import keep_evidence
from inspections.models import (
    ActionDay,
    ChecklistTemplate,
    Finding,
    FindingAnswer,
    Visit,
)
from partners.models import Municipality

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
    (
        "hvz-vbw",
        "fire",
        "fire-safety",
        {
            "exits_clear": "no",
            "extinguishers": "no",
            "hazards": ["wiring", "gas", "no_detector"],
            "people_sleeping": "yes",
            "closure_advised": "yes",
            "fire_photos": ["#photo:mattresses", "#photo:wiring"],
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
    ("hvz-vbw", "fire", "fire-safety", {"exits_clear": "yes", "extinguishers": "no"}),
]
PHOTO_COLOURS = {"papers": "#c8b88a", "mattresses": "#7a8aa0", "wiring": "#a05a3c"}


def demo_photo(name: str) -> bytes:
    """A small JPEG standing in for a photo taken in the field."""
    image = Image.new("RGB", (480, 360), PHOTO_COLOURS.get(name, "#888888"))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 340), outline="#ffffff", width=4)
    draw.text((40, 40), f"Demo: {name}", fill="#ffffff")
    stream = io.BytesIO()
    image.save(stream, format="JPEG", quality=80)
    return stream.getvalue()


def store_photo(name: str, user: Any) -> str:
    data = demo_photo(name)
    sha256 = hashlib.sha256(data).hexdigest()
    keep_evidence(data, sha256, user)
    return sha256


def record_finding(
    visit: Visit, partner_slug: str, user: Any, slug: str, answers: dict[str, Any]
) -> Finding:
    """Store one finding and its answer rows the way the field code does."""
    if user.person.partner.slug != partner_slug:
        raise ValueError(f"{user} does not work for {partner_slug}")
    template = ChecklistTemplate.objects.get(slug=slug)
    version = template.current_version()
    assert version is not None
    answers = {
        name: [store_photo(v.removeprefix("#photo:"), user) for v in value]
        if isinstance(value, list) and value and str(value[0]).startswith("#photo:")
        else value
        for name, value in answers.items()
    }
    cleaned, errors = clean_answers(version.definition, answers)
    if errors:
        raise ValueError(f"Demo answers do not fit {slug}: {errors}")
    recorded_at = visit.started_at or timezone.now()
    finding = Finding.objects.create(
        visit=visit,
        partner=user.person.partner,
        template=template,
        template_version=version,
        answers=cleaned,
        recorded_by=user,
        recorded_at=recorded_at + timedelta(minutes=20),
    )
    questions = {item["name"]: item for item in version.questions}
    indicators = Indicator.objects.in_bulk(
        [item["indicator"] for item in questions.values() if item.get("indicator")],
        field_name="code",
    )
    FindingAnswer.objects.bulk_create(
        FindingAnswer(
            finding=finding,
            question=name,
            kind=questions[name]["type"],
            value=value,
            sharing=questions[name].get("sharing") or "city",
            indicator=indicators.get(questions[name].get("indicator") or ""),
            legal_reference=questions[name].get("legal_reference", ""),
        )
        for name, value in cleaned.items()
    )
    return finding


def at(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


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
    decision.decision_date = decided
    decision.effective_from = decided + timedelta(days=1)
    decision.expires_on = add_months(decided + timedelta(days=1), 4)
    decision.prosecutor_consulted_on = held + timedelta(days=5)
    decision.prosecutor_reference = "HV.55.L1.2025/0412"
    decision.prosecutor_advice = (
        "Geen bezwaar tegen een bestuurlijke sluiting; het onderzoek loopt."
    )
    decision.lifting_condition = (
        "Tot de uitbater bewijst dat de nodige maatregelen genomen zijn: aangifte van alle "
        "werknemers, ontruiming van de slaapplaatsen, een gunstig brandweeradvies."
    )
    decision.save()
    decision = actions.finalise(decision=decision, user=mayor)
    return actions.serve(decision=decision, dispatch_date=decided + timedelta(days=1), user=mayor)


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
    users = {user.username: user for user in get_user_model().objects.select_related("person")}
    first, *others = visits
    if not Finding.objects.filter(visit=first).exists():
        for partner, username, slug, answers in FIRST_VISIT:
            record_finding(first, partner, users[username], slug, answers)
        for visit in others[:3]:
            for partner, username, slug, answers in OTHER_VISITS:
                record_finding(visit, partner, users[username], slug, answers)
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
