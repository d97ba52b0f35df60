"""The Wilby case walked in headless Chromium, in Dutch, in Halle, from an installation
that holds only its first administrator, by what each person clicks and types: the
administrator sets up the city, the coordinator imports the address register with its
four massage parlours (two of them operated by one company); the permit clerk reports
the company and the police inspector one parlour; the coordinator triages both into one
case, builds its team and its subjects (the manager, the company, the parlours) and their
links; the police and the social inspection bring entries (the social inspection's
internal one is seen by the police only as existing, and the clerk, outside the team,
does not find the case at all); the network names who is behind the parlours and what
connects the manager to one; a case meeting under the protocol chooses the integrated
approach with a social inspection (the administrator, outside the team, sees the case
there by its number only); and "Plan an action day" on the case opens the draft
day with the case's parlours."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from tests import e2e_steps as steps
from tests.conftest import SCREENSHOTS
from tests.e2e_steps import Account, Business, City, PartnerSpec, Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = Business("Lotus Wellness BV", steps.enterprise_number(8123456), "massage_parlour")
# Two parlours operated by the company, two by others.
LOTUS = Business("Thai Massage Lotus", COMPANY.enterprise_number, "massage_parlour")
BAMBOO = Business("Wellness Bamboo", COMPANY.enterprise_number, "massage_parlour")
JADE = Business("Massage Jade", steps.enterprise_number(8123457), "massage_parlour")
ORCHIDEE = Business("Massage Orchidee", steps.enterprise_number(8123458), "massage_parlour")
PARLOURS = (LOTUS, BAMBOO, JADE, ORCHIDEE)
MANAGER = "Lin Wei"
CASE_TITLE = "Massagesalons Wilby"

HALLE = City(
    name="Halle",
    nis_code="23027",
    language="nl",
    street_field="street_nl",
    town_field="municipality_nl",
    partners=(
        PartnerSpec("Stad Halle", "Stad Halle", "local", False, ()),
        PartnerSpec(
            "Politie",
            "Politiezone Zennevallei",
            "local",
            True,
            ("identity-residence", "police-public-order", "trafficking-indicators"),
        ),
        PartnerSpec(
            "SIOD",
            "Sociale Inlichtingen- en Opsporingsdienst",
            "federal",
            True,
            ("undeclared-work", "social-security", "wellbeing-at-work"),
        ),
    ),
    people={
        "admin": Account("beheerder", "Bart", "Beheer", "Stad Halle", ("admin",)),
        "coordinator": Account("an.coord", "An", "Claes", "Stad Halle", ("coordinator",)),
        "clerk": Account("lies.loket", "Lies", "Lambrechts", "Stad Halle", ("permit_desk",)),
        "police": Account("piet.politie", "Piet", "Peeters", "Politie", ("inspector",)),
        "social": Account("sara.siod", "Sara", "Smets", "SIOD", ("inspector",)),
    },
    businesses=PARLOURS,
    protocol_title="Samenwerkingsprotocol bestuurlijke aanpak Halle",
    day_title="Actiedag massagesalons",
    signal_text="Zes matrassen achter het massagesalon.",
    hearing_place="Stadhuis Halle",
    prosecutor_reference="HA.55.L1.1234/26",
)

CLERK_SAW = (
    "Vergunningsaanvraag voor een tweede salon: dezelfde zaakvoerder staat achter twee "
    "massagesalons, de jaarrekeningen tonen verlies."
)
POLICE_SAW = "Patrouille om 23 u: mannen gaan in en uit, achteraan liggen matrassen."
POLICE_FACT = "Lin Wei is bij de politie gekend voor het uitbaten van een bordeel (2019)."
SOCIAL_FACT = "Lopend dossier zwartwerk: masseuses als zelfstandige ingeschreven."
SOCIAL_SOURCE = "Dossier sociale inspectie"


def nav(walk: Walk, page: Any, message: str) -> None:
    """Follow a link of the case work's overview, reached by the menu's one entry for
    the case work, named as the person reads it."""
    page.locator("header nav").get_by_role("link", name=walk.t("Cases"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(walk.t("Cases"))
    page.locator("main").get_by_role("link", name=walk.t(message), exact=True).click()


def field(scope: Any, label: str) -> Any:
    """The field labelled ``label``, with or without the colon a form adds to it."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*:?\s*$"))


def choose(page: Any, label: str, part: str) -> None:
    """Pick the option of the field labelled exactly ``label`` that reads ``part``."""
    select = field(page, label)
    options = select.locator("option").all_inner_texts()
    select.select_option(label=next(option for option in options if part in option))


def open_case_page(walk: Walk, page: Any) -> None:
    """Through "My cases", as everyone in the team reaches the case."""
    nav(walk, page, "My cases")
    page.locator("table.case-list tr", has_text=CASE_TITLE).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CASE_TITLE)


def clerk_reports_the_company(walk: Walk) -> Any:
    t = walk.t
    page = walk.open(walk.person("clerk"))
    nav(walk, page, "Report a signal")
    field(page, t("A company")).check()
    field(page, t("Name of the company or person")).fill(COMPANY.name)
    field(page, t("Enterprise number")).fill(COMPANY.enterprise_number)
    field(page, t("What you saw")).fill(CLERK_SAW)
    field(page, t("Indicator")).select_option(
        label=steps.indicator_title(walk, "one-manager-many-companies")
    )
    walk.shoot(page, "07-clerk-signal")
    page.get_by_role("button", name=t("File the signal")).click()
    row = page.locator("table.my-signals tbody tr", has_text=COMPANY.name)
    expect(row).to_contain_text("Ontvangen")
    walk.shoot(page, "08-clerk-my-signals-received")
    return page


def police_reports_a_parlour(walk: Walk) -> Any:
    t = walk.t
    page = walk.open(walk.person("police"))
    nav(walk, page, "Report a signal")
    field(page, t("A premises")).check()
    field(page, t("Search the premises")).fill(JADE.name)
    page.locator("#premises-matches").get_by_label(re.compile(re.escape(JADE.name))).check()
    field(page, t("What you saw")).fill(POLICE_SAW)
    field(page, t("Indicator")).select_option(label=steps.indicator_title(walk, "living-on-site"))
    walk.shoot(page, "09-police-signal")
    page.get_by_role("button", name=t("File the signal")).click()
    # The list names the premises by its address, and what the inspector saw.
    row = page.locator("table.my-signals tbody tr", has_text=POLICE_SAW)
    expect(row).to_contain_text(t("Received"))
    return page


def open_signal(queue: Any, text: str) -> None:
    """The queue's row that reads ``text`` (a premises signal is named by its address),
    by the link on what it is about."""
    queue.locator("tbody tr", has_text=text).get_by_role("link").last.click()


def coordinator_triages(walk: Walk, page: Any) -> None:
    """Verify the police's signal, open the case from the clerk's, then link the
    police's signal to it."""
    t = walk.t
    nav(walk, page, "Signal triage")
    queue = page.locator("table.triage-queue")
    expect(queue.locator("tbody tr")).to_have_count(2)
    walk.shoot(page, "10-triage-queue")
    open_signal(queue, POLICE_SAW)
    page.get_by_role("button", name=t("Verify the signal")).click()
    expect(page.get_by_text(t("The signal is verified and in treatment."))).to_be_visible()

    nav(walk, page, "Signal triage")
    open_signal(queue, COMPANY.name)
    expect(page.get_by_text(CLERK_SAW)).to_be_visible()
    field(page, t("Title of the case")).fill(CASE_TITLE)
    field(page, t("Phenomenon")).select_option(label=t("Human trafficking"))
    page.get_by_role("button", name=t("Open the case")).click()
    expect(page.get_by_text(t("A case was opened from the signal."))).to_be_visible()
    walk.shoot(page, "11-triage-case-opened")

    nav(walk, page, "Signal triage")
    page.get_by_role("link", name=re.compile(re.escape(t("In treatment")))).click()
    open_signal(queue, POLICE_SAW)
    choose(page, t("Case"), CASE_TITLE)
    page.get_by_role("button", name=t("Link to this case")).click()
    # The first case of the city this year.
    number = f"{walk.city.nis_code}-{timezone.localdate().year}-0001"
    expect(page.locator("dl.facts")).to_contain_text(number)
    walk.shoot(page, "12-triage-police-signal-linked")


def clerk_sees_only_the_status(walk: Walk, clerk: Any) -> None:
    # "My signals" is reached from the page where signals are reported.
    nav(walk, clerk, "Report a signal")
    clerk.get_by_role("link", name=walk.t("My signals"), exact=True).click()
    row = clerk.locator("table.my-signals tbody tr", has_text=COMPANY.name)
    expect(row).to_contain_text("In behandeling")
    body = clerk.locator("body")
    expect(body).not_to_contain_text(CASE_TITLE)
    expect(body).not_to_contain_text("-0001")
    walk.shoot(clerk, "13-clerk-my-signals-in-treatment")


def coordinator_builds_the_case(walk: Walk, page: Any) -> None:
    """The team, the manager (added to the register first), the parlours found in the
    premises register, and the links: manager → company, company → its two parlours."""
    t = walk.t
    open_case_page(walk, page)
    for part in ("police", "social"):
        person = walk.person(part)
        field(page, t("Person")).select_option(label=f"{person.full_name} ({person.partner})")
        page.get_by_role("button", name=t("Add to the team")).click()
        expect(page.locator(".case-team")).to_contain_text(person.full_name)

    nav(walk, page, "Subjects")
    page.get_by_role("link", name=t("Add a subject")).click()
    field(page, t("Kind")).select_option(label=t("person").capitalize())
    field(page, t("Name")).fill(MANAGER)
    field(page, t("Birth date")).fill("1971-03-14")
    field(page, t("Nationality (country code)")).fill("CN")
    field(page, t("Address")).fill("Basiliekstraat 20, 1500 Halle")
    page.get_by_role("button", name=t("Add to the register")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(MANAGER)

    open_case_page(walk, page)
    subjects = page.locator("#subject_form")
    field(subjects, t("Subject")).fill(MANAGER)
    subjects.locator("form", has=field(page, t("Subject"))).get_by_role(
        "button", name=t("Add to the case")
    ).click()
    expect(page.locator(".case-subjects")).to_contain_text(MANAGER)
    for parlour in (LOTUS, BAMBOO, ORCHIDEE):
        form = page.locator("form.case-premises-form")
        field(form, t("Search the premises")).fill(parlour.name)
        form.locator("#case-premises-matches").get_by_label(
            re.compile(re.escape(parlour.name))
        ).check()
        form.get_by_role("button", name=t("Add to the case")).click()
        expect(page.locator(".case-subjects")).to_contain_text(parlour.name)
    listed = page.locator(".case-subjects")
    for name in (MANAGER, COMPANY.name, *(parlour.name for parlour in PARLOURS)):
        expect(listed).to_contain_text(name)
    walk.shoot(page, "14-case-team-and-subjects")

    listed.get_by_role("link", name=COMPANY.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(COMPANY.name)
    for direction, role, other in (
        ("the other is … of this subject", "manager", MANAGER),
        ("this subject is … of the other", "operator", LOTUS.name),
        ("this subject is … of the other", "operator", BAMBOO.name),
    ):
        form = page.locator("form.link-form")
        field(form, t("Direction")).select_option(label=t(direction))
        field(form, t("Role")).select_option(label=t(role))
        field(form, t("Other subject")).fill(other)
        form.get_by_role("button", name=t("Save the link")).click()
        expect(page.get_by_text(t("The link was saved."))).to_be_visible()
        # The message of the link before still shows until the answer comes: the next
        # link is typed once this one is listed.
        expect(page.locator("section.subject-links table")).to_contain_text(other)
    links = page.locator("section.subject-links table")
    expect(links).to_contain_text(f"{MANAGER} — {t('manager')} — {COMPANY.name}")
    expect(links).to_contain_text(f"{COMPANY.name} — {t('operator')} — {LOTUS.name}")
    walk.shoot(page, "15-company-links")


def record_entry(walk: Walk, page: Any, fact: str, source: str, kind: str, sharing: str) -> None:
    t = walk.t
    form = page.locator("form.entry-form")
    field(form, t("Fact")).fill(fact)
    field(form, t("Source")).fill(source)
    field(form, t("Kind of source")).select_option(label=t(kind))
    field(form, t("Date of the fact")).fill((timezone.localdate() - timedelta(days=10)).isoformat())
    field(form, t("Who may read it")).select_option(label=t(sharing))
    form.get_by_role("button", name=t("Record the entry")).click()


def partners_bring_entries(walk: Walk, police: Any) -> str:
    """The police's closed-source entry for the team, the social inspection's internal
    one; the police see that it exists, not what it says. Returns the case's address."""
    open_case_page(walk, police)
    record_entry(
        walk,
        police,
        POLICE_FACT,
        "ANG-raadpleging",
        "Closed source",
        "Shareable with the case team",
    )
    expect(police.locator(".case-entries")).to_contain_text(POLICE_FACT)

    social = walk.open(walk.person("social"))
    open_case_page(walk, social)
    expect(social.locator(".case-entries")).to_contain_text(POLICE_FACT)
    record_entry(
        walk, social, SOCIAL_FACT, SOCIAL_SOURCE, "Closed source", "Internal to the partner"
    )
    expect(social.locator(".case-entries")).to_contain_text(SOCIAL_FACT)
    walk.shoot(social, "16-social-internal-entry")

    police.reload()
    with translation.override(walk.city.language):
        day = formats.date_format(timezone.localdate() - timedelta(days=10), "SHORT_DATE_FORMAT")
    confidential = police.locator("#entry_form tr.confidential")
    expect(confidential).to_have_text(f"Een intern informatie-element van SIOD van {day}")
    body = police.locator("body")
    expect(body).not_to_contain_text(SOCIAL_FACT)
    expect(body).not_to_contain_text(SOCIAL_SOURCE)
    walk.shoot(police, "17-police-sees-internal-entry-exists")
    return str(police.url)


def outsider_gets_404(walk: Walk, clerk: Any, case_url: str) -> None:
    """The permit clerk filed the signal but is not in the team: the case's address,
    typed in, is not found."""
    response = clerk.goto(case_url)
    assert response is not None and response.status == 404, response
    body = clerk.locator("body")
    expect(body).not_to_contain_text(CASE_TITLE)
    expect(body).not_to_contain_text(POLICE_FACT)
    walk.shoot(clerk, "18-clerk-case-not-found")


def network_names_who_is_behind(walk: Walk, page: Any) -> None:
    t = walk.t
    open_case_page(walk, page)
    network = page.locator("section[aria-labelledby=network-heading]")
    svg = network.locator("svg.network-svg")
    expect(svg).to_be_visible()
    for name in (MANAGER, COMPANY.name, *(parlour.name for parlour in PARLOURS)):
        expect(svg.locator("a.network-node", has_text=name)).to_have_count(1)
    walk.shoot(page, "19-case-network")
    SCREENSHOTS.mkdir(exist_ok=True)
    network.screenshot(path=str(SCREENSHOTS / f"{walk.prefix}-19-network-only.png"))

    page.locator(".case-subjects").get_by_role("link", name=MANAGER).click()
    connect = page.locator("section.subject-connect")
    field(connect, t("Second subject")).fill(LOTUS.name)
    connect.get_by_role("button", name=t("Show what connects them")).click()
    result = page.locator("section.connect-result")
    expect(result.locator("ol.connect-paths li").first).to_have_text(
        re.compile(
            rf"{re.escape(MANAGER)}\s*→\s*{re.escape(COMPANY.name)}\s*→\s*{re.escape(LOTUS.name)}"
        )
    )
    walk.shoot(page, "20-what-connects")


def meeting_chooses_the_integrated_approach(walk: Walk, page: Any) -> None:
    """The social inspection's instrument joins the city's catalogue; the meeting under
    the protocol, with the police and the social inspector, puts the case on its
    agenda, is held, and records the integrated approach with a social inspection."""
    t, city = walk.t, walk.city
    nav(walk, page, "Case meetings")
    page.get_by_role("link", name=t("Instruments"), exact=True).click()
    field(page, t("Partner")).select_option(label="SIOD")
    field(page, t("Kind")).select_option(label=t("Social law"))
    field(page, t("Title")).fill("Sociale inspectie")
    field(page, t("Legal basis")).fill("Sociaal Strafwetboek art. 23-39")
    page.get_by_role("button", name=t("Add the instrument")).click()
    expect(page.locator("body")).to_contain_text("Sociale inspectie")

    nav(walk, page, "Case meetings")
    field(page, t("Title")).fill("Casusoverleg Zennevallei")
    field(page, t("Date")).fill(timezone.localdate().isoformat())
    field(page, t("Under a sharing protocol")).check()
    field(page, t("Sharing protocol")).select_option(label=city.protocol_title)
    field(page, t("Purpose")).fill("Bestuurlijke aanpak van uitbuiting in massagesalons")
    page.get_by_role("button", name=t("Schedule the meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casusoverleg Zennevallei")
    for part in ("police", "social"):
        person = walk.person(part)
        field(page, t("Person")).select_option(label=f"{person.full_name} ({person.partner})")
        page.get_by_role("button", name=t("Invite")).click()
        expect(page.locator("section[aria-labelledby=participants-heading]")).to_contain_text(
            person.full_name
        )
    choose(page, t("Case"), CASE_TITLE)
    page.get_by_role("button", name=t("Put on the agenda")).click()
    expect(page.locator(".agenda-item")).to_contain_text(CASE_TITLE)
    page.get_by_role("button", name=t("Mark the meeting as held")).click()
    expect(page.get_by_text(t("The meeting is marked as held."))).to_be_visible()

    decision = page.locator(".decision-form")
    field(decision, t("Approach")).select_option(label=t("Integrated approach"))
    field(decision, t("Decision")).fill(
        "Geïntegreerde aanpak: gezamenlijke controle van de salons, sociale inspectie naar "
        "de tewerkstelling."
    )
    row = decision.locator(".action-row").first
    field(row, t("Instrument")).select_option(label="SIOD: Sociale inspectie")
    field(row, t("Deadline")).fill((timezone.localdate() + timedelta(days=30)).isoformat())
    field(row, t("What is to be done")).fill("Tewerkstelling en statuut van de masseuses")
    decision.get_by_role("button", name=t("Record the decision")).click()
    item = page.locator(".agenda-item")
    expect(item).to_contain_text(t("Integrated approach"))
    expect(item).to_contain_text("Sociale inspectie")
    walk.shoot(page, "21-meeting-decision")


def administrator_sees_the_meeting_by_number_only(walk: Walk) -> None:
    """The administrator runs the city's meetings but is not in the case team: the
    meeting names the case by its number, never its title or what was decided."""
    t = walk.t
    page = walk.open(walk.person("admin"))
    nav(walk, page, "Case meetings")
    page.get_by_role("link", name="Casusoverleg Zennevallei").click()
    item = page.locator(".agenda-item")
    expect(item).to_contain_text(f"{walk.city.nis_code}-{timezone.localdate().year}-0001")
    expect(item).not_to_contain_text(CASE_TITLE)
    expect(item).not_to_contain_text("Geïntegreerde aanpak")
    expect(item).not_to_contain_text("Sociale inspectie")
    expect(page.get_by_role("button", name=t("Record the decision"))).to_have_count(0)


def coordinator_plans_the_action_day(walk: Walk, page: Any) -> None:
    open_case_page(walk, page)
    panel = page.locator("#case-meetings")
    expect(panel).to_contain_text("Sociale inspectie")
    walk.shoot(page, "22-case-approach-chosen")
    panel.get_by_role("button", name="Actiedag plannen").click()
    page.wait_for_url(re.compile(r"/inspections/[0-9a-f-]{36}/plan/$"))
    visits = page.locator("tr[data-visit]")
    expect(visits).to_have_count(len(PARLOURS))
    for parlour in PARLOURS:
        expect(page.locator("tr[data-visit]", has_text=parlour.name)).to_have_count(1)
    number = f"{walk.city.nis_code}-{timezone.localdate().year}-0001"
    expect(page.locator("#case-card")).to_contain_text(
        f"Deze dag voert dossier {number} ({CASE_TITLE}) uit."
    )
    walk.shoot(page, "23-action-day-plan")


def test_the_wilby_case_from_the_clerks_signal_to_the_action_day(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    steps.skip_unless_walked_here("nl")
    steps.install()
    steps.create_first_administrator(HALLE.people["admin"])
    walk = Walk(HALLE, live_server.url, browser, tmp_path, "e2e-case")
    try:
        with steps.tasks_run_at_once():
            with walk.step("admin sets up the city"):
                steps.admin_sets_up_the_city(walk)
            coordinator = walk.open(walk.person("coordinator"))
            with walk.step("import"):
                steps.coordinator_imports_the_register(walk, coordinator)
            with walk.step("clerk's signal"):
                clerk = clerk_reports_the_company(walk)
            with walk.step("police signal"):
                police = police_reports_a_parlour(walk)
            with walk.step("triage"):
                coordinator_triages(walk, coordinator)
            with walk.step("clerk sees the status"):
                clerk_sees_only_the_status(walk, clerk)
            with walk.step("team, subjects and links"):
                coordinator_builds_the_case(walk, coordinator)
            with walk.step("entries"):
                case_url = partners_bring_entries(walk, police)
            with walk.step("outsider"):
                outsider_gets_404(walk, clerk, case_url)
            with walk.step("network"):
                network_names_who_is_behind(walk, coordinator)
            with walk.step("case meeting"):
                meeting_chooses_the_integrated_approach(walk, coordinator)
            with walk.step("meeting outside the team"):
                administrator_sees_the_meeting_by_number_only(walk)
            with walk.step("plan the action day"):
                coordinator_plans_the_action_day(walk, coordinator)
    finally:
        walk.close()
        print(walk.report(), file=sys.stderr)
    # No page on the way holds a word of another language.
    assert not walk.wrong_language, walk.wrong_language_report()
