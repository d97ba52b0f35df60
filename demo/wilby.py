"""The Wilby case in the demo city (after the CONFINE report's case study): four massage
parlours registered in the names of three companies, one manager behind all of them, his
companies' registered offices moved again and again, women exploited in the parlours.

It is reached the way the pages reach it, step by step:

1. the permit desk's licence applications for two more massage parlours come in as a
   layer the coordinator imports into the premises register;
2. the permit clerk and a police inspector each file a signal;
3. the coordinator triages them: verifies the police signal (it now counts in the
   premises' risk) and opens a case from the clerk's, then links the police signal to it;
4. the case team builds the picture: the manager, his three companies with their
   registered offices and mandates, the four parlours, and information entries from open,
   half-open and closed sources (one internal to the social inspection);
5. a case meeting under the city's protocol chooses the integrated approach, with actions
   for the social inspection and the mayor, whose office's person joins the case team
   first so that the closure is seen there;
6. the coordinator ties today's action day (which visits two of the parlours) to the case.

Idempotent: nothing is built when the case exists.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.actions import files, meetings, signals, subjects
from cases.actions.meetings import ActionRow
from cases.models import Approach, Case, DeskSignal, Instrument, Link, Phenomenon, Subject
from gis.importing import import_file
from gis.models import ImportRun, Indicator, Premises
from inspections.case_days import attach_case
from inspections.demo import TODAY_TITLE
from inspections.models import ActionDay
from partners.models import Municipality, Person, SharingProtocol

TITLE = "Massagesalons Wilby"
APPLICATIONS = Path(__file__).parent / "data" / "massage_licence_applications.geojson"
MANAGER = "Lin Wei"
# company, legal form, the parlours it operates, its registered offices (years ago)
COMPANIES = [
    ("Lotus Wellness BV", "BV", ["Thai Massage Lotus"], [8, 7, 6, 5, 4, 3, 2, 1]),
    ("Jade Beauty CommV", "CommV", ["Massage Jade"], [7, 5, 3, 2, 1]),
    ("Orchidee Relax BV", "BV", ["Massage Orchidee", "Wellness Bamboo"], [4, 2, 1]),
]
OFFICES = [
    "Brusselsesteenweg 301, 1500 Halle",
    "Zuidstraat 12, 1000 Brussel",
    "Rue de la Loi 8, 1040 Etterbeek",
    "Antwerpsesteenweg 55, 2800 Mechelen",
    "Leuvensesteenweg 190, 1932 Zaventem",
    "Ninoofsesteenweg 77, 1080 Sint-Jans-Molenbeek",
    "Kerkstraat 3, 1500 Halle",
    "Basiliekstraat 20, 1500 Halle",
]


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def years_ago(years: int, today: date) -> date:
    return today.replace(year=today.year - years, month=1, day=15)


@transaction.atomic
def load(halle: Municipality) -> None:
    if Case.objects.filter(municipality=halle, title=TITLE).exists():
        return
    today = timezone.localdate()
    coordinator = user("coordinator")
    import_applications(halle, coordinator)
    case = triage(halle, coordinator, *file_signals(halle, today), today=today)
    build_picture(case, coordinator, today)
    decide_in_meeting(case, coordinator, today)
    day = ActionDay.objects.filter(municipality=halle, title=TODAY_TITLE).first()
    if day is not None:
        attach_case(action_day=day, user=coordinator, version=day.version, case=case)
        files.move_case(case=case, user=coordinator, to_state=Case.State.ACTIONS)


def import_applications(halle: Municipality, coordinator: Any) -> None:
    """Two more massage parlours applied for the licence the police regulation requires:
    the register learns their new use from the permit desk's layer."""
    run = import_file(
        APPLICATIONS,
        kind=ImportRun.Kind.PREMISES,
        municipality=halle.code,
        user=coordinator,
        options={},
    )
    if run.status != ImportRun.Status.DONE:
        raise RuntimeError(f"The licence applications were not imported: {run.message}")


def file_signals(halle: Municipality, today: date) -> tuple[DeskSignal, DeskSignal]:
    clerk_signal = signals.file_signal(
        municipality=halle,
        user=user("clerk"),
        about=DeskSignal.About.COMPANY,
        subject_name="Orchidee Relax BV",
        enterprise_number="0812.345.603",
        observed_on=today - timedelta(days=21),
        what_was_seen=(
            "Vergunningsaanvraag voor twee massagesalons (Stationsstraat 22, Bergensesteenweg "
            "556). Dezelfde zaakvoerder, L. Wei, staat achter Lotus Wellness BV en Jade Beauty "
            "CommV, die al een salon uitbaten; de jaarrekeningen tonen verlies."
        ),
        indicator=Indicator.objects.get(code="one-manager-many-companies"),
    )
    police_signal = signals.file_signal(
        municipality=halle,
        user=user("police"),
        about=DeskSignal.About.PREMISES,
        premises=Premises.objects.get(municipality=halle, name="Massage Jade"),
        observed_on=today - timedelta(days=14),
        what_was_seen=(
            "Patrouille om 23 u: mannen gaan in en uit, achteraan liggen matrassen; de "
            "masseuses lijken in het salon te wonen."
        ),
        indicator=Indicator.objects.get(code="living-on-site"),
    )
    return clerk_signal, police_signal


def triage(
    halle: Municipality,
    coordinator: Any,
    clerk_signal: DeskSignal,
    police_signal: DeskSignal,
    *,
    today: date,
) -> Case:
    signals.verify_signal(signal=police_signal, user=coordinator)
    case = signals.open_case_from_signal(
        signal=clerk_signal,
        user=coordinator,
        title=TITLE,
        phenomenon=Phenomenon.HUMAN_TRAFFICKING,
        summary=(
            "Vier massagesalons op naam van drie vennootschappen met dezelfde zaakvoerder; "
            "aanwijzingen van seksuele uitbuiting van de masseuses."
        ),
    )
    signals.link_signal_to_case(signal=police_signal, case=case, user=coordinator)
    return case


def build_picture(case: Case, coordinator: Any, today: date) -> None:
    halle = case.municipality
    for username in ("police", "social"):
        files.add_member(
            case=case, person=Person.objects.get(user__username=username), user=coordinator
        )
    files.move_case(case=case, user=coordinator, to_state=Case.State.ANALYSIS)
    manager = subjects.add_subject(
        municipality=halle,
        user=coordinator,
        kind=Subject.Kind.PERSON,
        name=MANAGER,
        birth_date=date(1971, 3, 14),
        nationality="CN",
        address="Basiliekstraat 20, 1500 Halle",
    )
    files.add_subject_to_case(case=case, subject=manager, user=coordinator)
    for name, legal_form, parlours, moves in COMPANIES:
        company = company_subject(halle, coordinator, name, legal_form, parlours[0])
        add_to_case(case, company, coordinator)
        for years, office in zip(moves, OFFICES, strict=False):
            subjects.move_registered_office(
                company=company, address=office, on=years_ago(years, today), user=coordinator
            )
        subjects.link(
            source=manager,
            target=company,
            role=Link.Role.MANAGER,
            valid_from=years_ago(moves[0], today),
            note="Belgisch Staatsblad, benoeming zaakvoerder",
            user=coordinator,
        )
        for parlour in parlours:
            premises = Premises.objects.get(municipality=halle, name=parlour)
            place = subjects.subject_for_premises(premises=premises, user=coordinator)
            add_to_case(case, place, coordinator)
            subjects.link(
                source=company,
                target=place,
                role=Link.Role.OPERATOR,
                valid_from=years_ago(moves[-1], today),
                note="Vergunningsaanvraag / KBO-vestigingseenheid",
                user=coordinator,
            )
    add_entries(case, manager, today)


def add_to_case(case: Case, subject: Subject, coordinator: Any) -> None:
    """A subject the triage already brought in (a signal's company or premises) stays once."""
    if not case.case_subjects.filter(subject=subject).exists():
        files.add_subject_to_case(case=case, subject=subject, user=coordinator)


def company_subject(
    halle: Municipality, coordinator: Any, name: str, legal_form: str, parlour: str
) -> Subject:
    """The company as the register knows it: the clerk's signal added Orchidee Relax BV
    already; the others get the enterprise number their parlour carries."""
    existing = Subject.objects.filter(municipality=halle, kind="company", name=name).first()
    if existing is not None:
        return existing
    premises = Premises.objects.get(municipality=halle, name=parlour)
    return subjects.add_subject(
        municipality=halle,
        user=coordinator,
        kind=Subject.Kind.COMPANY,
        name=name,
        legal_form=legal_form,
        enterprise_number=premises.enterprise_number,
    )


# username, fact, source, kind, sharing, days ago
ENTRIES = [
    (
        "coordinator",
        "Advertenties op escortsites bieden seksuele diensten aan op de adressen van de vier "
        "salons.",
        "Internet (escortsites, Google Maps-recensies)",
        "open",
        "case_team",
        20,
    ),
    (
        "coordinator",
        "De jaarrekeningen 2023–2025 van de drie vennootschappen tonen verlies; geen personeel "
        "aangegeven.",
        "Nationale Bank, balanscentrale",
        "half_open",
        "city",
        18,
    ),
    (
        "police",
        "L. Wei is bij de politie gekend voor het uitbaten van een bordeel en het faciliteren "
        "van prostitutie (2019).",
        "ANG-raadpleging",
        "closed",
        "case_team",
        12,
    ),
    (
        "social",
        "Lopend dossier zwartwerk bij Lotus Wellness BV: masseuses als zelfstandige "
        "ingeschreven via een tussenpersoon die per maand een vergoeding vraagt.",
        "Dossier sociale inspectie",
        "closed",
        "internal",
        10,
    ),
]


def add_entries(case: Case, manager: Subject, today: date) -> None:
    for username, fact, source, kind, sharing, days in ENTRIES:
        files.add_entry(
            case=case,
            user=user(username),
            fact=fact,
            source=source,
            kind=kind,
            known_on=today - timedelta(days=days),
            sharing=sharing,
            subject=manager if username == "police" else None,
        )


def decide_in_meeting(case: Case, coordinator: Any, today: date) -> None:
    halle = case.municipality
    meeting = meetings.schedule_meeting(
        municipality=halle,
        user=coordinator,
        title="Casusoverleg Zennevallei",
        held_on=today - timedelta(days=7),
        frame="protocol",
        protocol=SharingProtocol.objects.in_force().filter(municipality=halle).first(),
        purpose="Bestuurlijke aanpak van uitbuiting in massagesalons",
    )
    for username in ("police", "social", "mayor"):
        meetings.add_participant(
            meeting=meeting,
            person=Person.objects.get(user__username=username),
            user=coordinator,
        )
    # The closure goes to the mayor's office: its person joins the case team first, as on
    # the case's team page, or nobody there would see the action.
    files.add_member(case=case, person=Person.objects.get(user__username="mayor"), user=coordinator)
    item = meetings.put_on_agenda(meeting=meeting, case=case, user=coordinator)
    meetings.hold_meeting(meeting=meeting, user=coordinator)
    deadline = today + timedelta(days=30)
    meetings.record_decision(
        item=item,
        user=coordinator,
        approach=Approach.INTEGRATED,
        decision=(
            "Geïntegreerde aanpak: gezamenlijke controle van de salons op de actiedag in "
            "Lembeek, sociale inspectie naar de tewerkstelling, de burgemeester onderzoekt "
            "een sluiting op grond van art. 134quinquies NGW."
        ),
        actions=[
            action("joint-action-day", "stad-halle-iv", today, "Actiedag Lembeek"),
            action(
                "social-inspection",
                "sociale-inspectie",
                deadline,
                "Tewerkstelling en statuut van de masseuses",
            ),
            action(
                "closure",
                "stad-halle-kabinet",
                deadline,
                "Sluiting onderzoeken na de vaststellingen",
            ),
        ],
    )
    meetings.record_minutes(
        meeting=meeting,
        user=coordinator,
        minutes=(
            "Aanwezig: stad Halle (IV), PZ Zennevallei, sociale inspectie, kabinet burgemeester. "
            "Dossier Massagesalons Wilby besproken; geïntegreerde aanpak gekozen."
        ),
    )


def action(code: str, partner_slug: str, deadline: date, description: str) -> ActionRow:
    """A meeting's action: the partner's instrument, with its deadline."""
    chosen = Instrument.objects.select_related("partner").get(code=code, partner__slug=partner_slug)
    return (chosen, chosen.partner, deadline, description)
