"""One script for the end-to-end walks: from an installation with only its first
administrator to a served decision, by clicking, as each person does it.

Every step finds what it clicks by the text a person reads, in the walk's language:
``Walk.t`` translates the English message id with the installation's own catalogues,
so the Dutch and the French walk share these steps, and each walk adds the texts it
expects to read in its own language.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import SCREENSHOTS, wait_until
from tests.field_fixtures import jpeg_bytes
from tests.seeded import reseed_catalogues

ADDRESSES = (
    Path(__file__).resolve().parent.parent.parent
    / "shared/data/be_best_addresses_fedict/best_addresses_brussels_halle_31370.gpkg"
)
PASSWORD = "Vier-seizoenen-2026"
BOX_WORDS = {"nl": "bus", "fr": "bte"}
# The economic register's columns (trade name, sector, enterprise number) as the city
# names them in its language.
TRADE_FIELDS = {"nl": ("handelsnaam", "sector", "kbo"), "fr": ("nom_commercial", "secteur", "bce")}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 1000}


# Words that give a page or a document away as written in the wrong language: common,
# distinctive words of English and Dutch (for the French walk) and of English and French
# (for the Dutch walk), none of them also a word of the walk's language or a name on the
# path ("de", "en", "on", "or", "Team", "Photo", "Source" are left out for that reason).
ENGLISH = (
    "the", "and", "to", "with", "from", "your", "this", "that", "which", "will",
    "not", "are", "for", "by", "has", "have", "been", "was", "were", "out", "Save", "Saved",
    "Visit", "Visits", "Premises", "Report", "Reports", "Day", "Days", "Close", "Closed",
    "Search", "Add", "Delete", "Edit", "Cancel", "Back", "Send", "Sent", "Planned",
    "Released", "Flagged", "Finding", "Findings", "Municipality", "closure", "created",
    "updated", "unchanged", "skipped", "Download", "Upload", "Preview", "Yes", "Sign",
    "signed", "Welcome", "Outbox", "Pending", "Refused", "Hearing", "Decision", "Mayor",
    "Risk", "Time", "End", "Address", "Street", "Town", "Name", "Received", "Layer",
    "Evidence", "Appeal", "Joint", "Today", "Tomorrow", "Yesterday", "Language", "Settings",
    "tasks",
)  # fmt: skip
ENGLISH_NOT_DUTCH = ENGLISH
ENGLISH_NOT_FRENCH = (
    *ENGLISH,
    "of", "Link",
    "Team", "Teams", "Map", "Partner", "Partners", "Sector", "Indicator", "Filter", "Apply",
    "Start", "Home", "Help", "Log", "Week", "List", "Checklist",
)  # fmt: skip
DUTCH = (
    "het", "een", "niet", "voor", "bij", "naar", "geen", "wordt", "zijn", "worden", "op",
    "ook", "nog", "maar", "deze", "wat", "aan", "als", "dag", "uur", "Gemeente", "Opslaan",
    "Bezoek", "Bezoeken", "Vaststelling", "Vaststellingen", "Straat", "Verslag", "Besluit",
    "Actiedag", "Actiedagen", "Bewaren", "Terug", "Zoeken", "Toevoegen", "Wijzigen",
    "Verwijderen", "bus", "Politie", "Ploeg", "Vrijgegeven", "Gepland", "Gesloten", "Bezig",
    "Indicatoren", "mensenhandel", "Melding", "Uitbater", "Inbreuk", "Inbreuken", "Sluiting",
    "Burgemeester", "Welkom", "Afmelden", "Kaart", "Strafwetboek", "Gemeentewet", "Brussel",
    "Vestiging", "Risicolijst", "Handtekening", "Ondertekend",
)  # fmt: skip
FRENCH = (
    "le", "les", "des", "du", "une", "est", "et", "ou", "avec", "pour", "sur", "dans", "pas",
    "vous", "votre", "Enregistrer", "Visite", "Visites", "Commune", "Rue", "Chaussée", "bte",
    "Journée", "Décision", "Fermeture", "Procès-verbal", "Équipe", "Annuler", "Retour",
    "Rechercher", "Ajouter", "Bienvenue", "Carte", "Constat", "Constats", "Établissement",
    "Bourgmestre", "Contrôle", "Signalement", "Envoyer", "Ville", "Bruxelles",
)  # fmt: skip
WRONG_WORDS = {"fr": (*ENGLISH_NOT_FRENCH, *DUTCH), "nl": (*ENGLISH_NOT_DUTCH, *FRENCH)}
# Phrases of the walk's language that hold such a word: an English term Django's French
# and Dutch admin keep, and the Dutch legal "procureur des Konings".
NOT_FOREIGN = ("Single Sign-On", "procureur des Konings")


def wrong_words(text: str, language: str) -> dict[str, str]:
    """The words of another language in ``text``, each with a snippet around its first
    appearance (whole words, any case)."""
    found = {}
    for phrase in NOT_FOREIGN:
        text = text.replace(phrase, " ")
    for word in WRONG_WORDS[language]:
        match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
        if match and match.group(0).lower() not in found:
            snippet = " ".join(text[max(0, match.start() - 50) : match.end() + 50].split())
            found[match.group(0).lower()] = snippet
    return found


@dataclass(frozen=True)
class Business:
    """A trade at an address of the register: the city's economic register adds the
    trade name, the sector and the operator's enterprise number to the address point."""

    name: str
    enterprise_number: str
    sector: str = "hair_salon"


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    partner: str  # short name
    roles: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class PartnerSpec:
    short_name: str
    name: str
    level: str
    official: bool
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class City:
    name: str
    nis_code: str
    language: str
    street_field: str  # the register's street name in the city's language
    town_field: str
    partners: tuple[PartnerSpec, ...]
    people: dict[str, Account]  # by part in the walk: admin, coordinator, police, ...
    businesses: tuple[Business, ...]
    protocol_title: str
    day_title: str
    signal_text: str
    hearing_place: str
    prosecutor_reference: str
    teams: tuple[str, str] = ("Team 1", "Team 2")


@dataclass
class Walk:
    """The walk's language, server and browser, and what it learnt on the way that a
    person would remember (the addresses of the flagged shops, the downloaded PDFs)."""

    city: City
    base: str
    browser: Any
    tmp: Path
    prefix: str
    addresses: dict[str, str] = field(default_factory=dict)  # business name -> address
    contexts: list[Any] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    # Who signs for the social inspection: the inspector whose answers the finding
    # holds last (after a merge, the one who merged).
    social_signer: str = "social"
    # Each word of the wrong language read on the way: where, the word and a snippet.
    wrong_language: list[str] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step; the times are printed at the end (``pytest -s`` shows them)."""
        started = time.monotonic()
        try:
            yield
        except Exception:
            # What each person had on screen when the step failed.
            for index, context in enumerate(self.contexts):
                for page in context.pages:
                    self.shoot(page, f"failed-{name.replace(' ', '-')}-{index}")
            raise
        finally:
            self.timings.append((name, time.monotonic() - started))

    def report(self) -> str:
        lines = [f"{seconds:6.1f} s  {name}" for name, seconds in self.timings]
        lines += [f"blocked: {reason}" for reason in self.blocked]
        return "\n".join(lines)

    def blocked_by(self, reason: str) -> None:
        """A step a person cannot do yet: the walk goes on the way around that is left
        and fails at the end, naming every such step."""
        self.blocked.append(reason)

    # --- language --------------------------------------------------------------------

    def t(self, message: str, **params: Any) -> str:
        """The message as the installation shows it in the walk's language."""
        with translation.override(self.city.language):
            text = gettext(message)
        return text % params if params else text

    def label(self, verbose_name: str) -> str:
        """A model field's label as a form shows it: its verbose name, capitalised."""
        return capfirst(self.t(verbose_name))

    def tn(self, singular: str, plural: str, count: int, **params: Any) -> str:
        with translation.override(self.city.language):
            text = ngettext(singular, plural, count)
        return text % dict(params, counter=count)

    # --- browser ---------------------------------------------------------------------

    def open(self, account: Account, *, viewport: dict[str, int] = DESKTOP, **extra: Any) -> Any:
        """A browser of its own for the person, signed in from the home page."""
        context = self.browser.new_context(viewport=viewport, locale="nl-BE", **extra)
        self.contexts.append(context)
        page = context.new_page()
        page.goto(self.base + "/")
        page.locator("#id_username").fill(account.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_url(self.base + "/")
        return page

    def shoot(self, page: Any, name: str, *, unread: tuple[str, ...] = ()) -> None:
        """Keep what the person sees at this step, and read it for wrong-language words
        (but for the parts ``unread`` names: a file's own content shown as it is)."""
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{self.prefix}-{name}.png"), full_page=True)
        if name.startswith("failed-"):
            return
        text = page.inner_text("body")
        for selector in unread:
            for part in page.locator(selector).all_inner_texts():
                text = text.replace(part, " ")
        self.read(name, text)

    def read(self, where: str, text: str) -> None:
        """Note each word of another language than the walk's in a page or document."""
        for word, snippet in wrong_words(text, self.city.language).items():
            self.wrong_language.append(f"{where}: «{word}» in «{snippet}»")

    def wrong_language_report(self) -> str:
        return "\n".join(self.wrong_language)

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def person(self, part: str) -> Account:
        return self.city.people[part]


# --- the installation ------------------------------------------------------------------


def skip_unless_walked_here(language: str) -> None:
    """Each walk takes minutes. When ``make test`` runs the suite on SQLite and again on
    PostgreSQL, it names one walk per run in ``INTEGRA_WALKS``, so each database walks
    the whole path once; without the variable every walk runs."""
    if not ADDRESSES.exists():
        pytest.skip("../shared/data is not beside the checkout")
    chosen = os.environ.get("INTEGRA_WALKS")
    if chosen and language not in chosen.split(","):
        pytest.skip(f"the {language} walk runs in the other database's run (INTEGRA_WALKS)")


def install() -> None:
    """What a fresh installation holds after ``migrate``: the catalogues its migrations
    seed (a transactional test's flush removed them, so the same seed functions run
    again)."""
    reseed_catalogues()


def create_first_administrator(account: Account) -> None:
    os.environ["DJANGO_SUPERUSER_PASSWORD"] = PASSWORD
    try:
        call_command(
            "createsuperuser",
            interactive=False,
            username=account.username,
            email=f"{account.username}@example.test",
            verbosity=0,
        )
    finally:
        del os.environ["DJANGO_SUPERUSER_PASSWORD"]


def enterprise_number(first_eight: int) -> str:
    """A well-formed Belgian enterprise number (its last two digits are 97 minus the
    rest modulo 97)."""
    digits = f"{first_eight:08d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def write_layer(walk: Walk, *, others: int = 300) -> Path:
    """The address register as the city downloads it, cut to its own addresses and
    some of a neighbour's (the register covers the region), its columns in the order
    street, number, postcode, town; the first addresses carry the city's known trades."""
    frame = pyogrio.read_dataframe(ADDRESSES)
    frame = frame[frame["status"] == "current"]
    own = frame[frame["nis_code"] == walk.city.nis_code].sort_values("address_id")
    other = frame[frame["nis_code"] != walk.city.nis_code].sort_values("address_id").head(others)
    layer = pd.concat([own, other])
    columns = [
        "address_id",
        "street_nl",
        "street_fr",
        "housenumber",
        "boxnumber",
        "postcode",
        "municipality_nl",
        "municipality_fr",
        "nis_code",
        "region",
        "status",
    ]
    layer = layer[[*columns, "geometry"]].copy()
    trade, sector, number = TRADE_FIELDS[walk.city.language]
    layer[trade] = ""
    layer[sector] = ""
    layer[number] = ""
    # Shops on different streets, so each is found by its own address.
    picks = own.drop_duplicates(subset=[walk.city.street_field]).head(len(walk.city.businesses))
    for business, (index, row) in zip(walk.city.businesses, picks.iterrows(), strict=True):
        layer.loc[index, [trade, sector, number]] = [
            business.name,
            business.sector,
            business.enterprise_number,
        ]
        # As the city writes its addresses: in its language, "bus" or "bte" for a box.
        box_number = row["boxnumber"] if isinstance(row["boxnumber"], str) else ""
        box = f" {BOX_WORDS[walk.city.language]} {box_number}" if box_number else ""
        walk.addresses[business.name] = (
            f"{row[walk.city.street_field]} {row['housenumber']}{box}, {row['postcode']} "
            f"{row[walk.city.town_field]}"
        )
    # Named as the city's staff would name the download, in their language.
    word = {"nl": "adressen", "fr": "adresses"}[walk.city.language]
    path = walk.tmp / f"{word}_{walk.city.nis_code}.gpkg"
    pyogrio.write_dataframe(layer, path, layer="addresses")
    return path


# --- steps -----------------------------------------------------------------------------


def admin_sets_up_the_city(walk: Walk) -> None:
    """The first administrator, in the Django admin reached from the home page, makes
    the municipality, the partners, the sharing protocol and every account."""
    city, t = walk.city, walk.t
    admin = walk.person("admin")
    page = walk.open(admin)
    if city.language != "nl":
        # No municipality yet: the interface speaks Dutch until the switch is used.
        with page.expect_navigation():
            page.locator("#language-select").select_option(city.language)
    expect(page.get_by_role("status")).to_contain_text(
        t("Your account is not linked to a partner yet. Ask your administrator.")
    )
    walk.shoot(page, "01-admin-home")
    page.get_by_role("link", name=t("Administration")).first.click()

    add(page, walk, "municipality")
    page.locator("#id_code").fill(city.nis_code)
    page.locator("#id_name").fill(city.name)
    page.locator("#id_language").select_option(city.language)
    page.locator("#id_country").select_option("BE")
    save(page, walk)

    for spec in city.partners:
        add(page, walk, "partner")
        page.locator("#id_short_name").fill(spec.short_name)
        page.locator("#id_name").fill(spec.name)
        page.locator("#id_level").select_option(spec.level)
        page.locator("#id_country").select_option("BE")
        page.locator("#id_makes_official_findings").set_checked(spec.official)
        for title in competency_titles(walk, spec.competencies):
            page.locator("#id_competencies").get_by_label(title, exact=True).check()
        page.locator("#id_municipalities").get_by_label(city.name, exact=True).check()
        expect(page.locator("#id_slug")).not_to_have_value("")
        if spec is city.partners[0]:
            walk.shoot(page, "02-admin-partner")
        save(page, walk)

    add(page, walk, "sharingprotocol")
    page.locator("#id_title").fill(city.protocol_title)
    page.locator("#id_municipality").select_option(label=city.name)
    for spec in city.partners:
        page.locator("#id_parties").get_by_label(spec.short_name, exact=True).check()
    for title in competency_titles(walk, ("undeclared-work", "trafficking-indicators")):
        page.locator("#id_themes").get_by_label(title, exact=True).check()
    page.locator("#id_valid_from").fill((timezone.localdate() - timedelta(days=30)).isoformat())
    save(page, walk)

    # The administrator's own place in the work, then everyone else's account.
    page.locator("tr.model-user").get_by_role("link").first.click()
    page.get_by_role("link", name=admin.username, exact=True).click()
    page.locator("#id_first_name").fill(admin.first_name)
    page.locator("#id_last_name").fill(admin.last_name)
    fill_person(page, walk, admin)
    save(page, walk)
    for part, account in city.people.items():
        if part == "admin":
            continue
        add(page, walk, "user")
        page.locator("#id_username").fill(account.username)
        page.locator("#id_first_name").fill(account.first_name)
        page.locator("#id_last_name").fill(account.last_name)
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        fill_person(page, walk, account)
        if part == "coordinator":
            walk.shoot(page, "03-admin-user")
        save(page, walk)
    page.goto(walk.base + "/")
    expect(page.locator(".lead")).to_contain_text(admin.partner)
    walk.shoot(page, "04-admin-home-linked")


def add(page: Any, walk: Walk, model: str) -> None:
    page.locator(f"tr.model-{model}").get_by_role("link", name=walk.t("Add")).click()


def save(page: Any, walk: Walk) -> None:
    page.locator("input[name=_save]").click()
    errors = page.locator(".errornote, .errorlist")
    # Read once the answer is there: the saved object's message or the form's errors.
    expect(page.locator(".messagelist .success").or_(errors).first).to_be_visible()
    if errors.count():
        raise AssertionError(f"The admin refused: {errors.all_inner_texts()}")
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.locator("#site-name a, .breadcrumbs a").first.click()


def fill_person(page: Any, walk: Walk, account: Account) -> None:
    inline = page.locator("#person-0")
    inline.get_by_label(walk.t("partner").capitalize()).select_option(label=account.partner)
    for role in account.roles:
        inline.locator(f"input[name='person-0-roles'][value='{role}']").check()
    inline.locator("#id_person-0-municipalities").get_by_label(walk.city.name, exact=True).check()


def competency_titles(walk: Walk, codes: tuple[str, ...]) -> list[str]:
    from partners.models import Competency, in_active_language

    return [
        in_active_language(competency, "title", walk.city.language)
        for competency in Competency.objects.filter(code__in=codes)
    ]


def coordinator_imports_the_register(walk: Walk, page: Any) -> None:
    """The register from the region, with the filter on the city's own NIS code."""
    t = walk.t
    layer = write_layer(walk)
    page.get_by_role("link", name=t("Import a layer")).click()
    page.get_by_label(t("Layer file")).set_input_files(str(layer))
    page.get_by_role("button", name=t("Upload and preview")).click()
    expect(page.locator("table.import-preview-rows")).to_be_visible()
    assert page.get_by_label(t("Id"), exact=True).input_value() == "address_id"
    trade, sector, number = TRADE_FIELDS[walk.city.language]
    page.get_by_label(t("Name"), exact=True).select_option(trade)
    page.get_by_label(t("Sector"), exact=True).select_option(sector)
    page.get_by_label(t("Enterprise number"), exact=True).select_option(number)
    # Point 14 of issue 11: the upload offers an attribute filter, as --where does.
    where = page.locator(".import-mapping").get_by_label(re.compile(t("Filter"), re.IGNORECASE))
    if where.count():
        where.first.fill(f"nis_code = '{walk.city.nis_code}'")
    else:
        walk.blocked_by("import: no attribute filter on the upload page (issue 11, point 14)")
    # The preview's rows are the file as it is: a bilingual register holds both languages.
    walk.shoot(page, "05-import-preview", unread=("table.import-preview-rows",))
    page.get_by_role("button", name=t("Import"), exact=True).click()
    expect(page.locator("#import-progress")).to_have_attribute("data-status", "done")
    summary = page.locator(".import-summary").inner_text()
    walk.shoot(page, "06-import-done")
    own = own_address_count(walk)
    if where.count():
        assert str(own) in summary, summary
        assert page.locator(".import-warning").count() == 0


def own_address_count(walk: Walk) -> int:
    frame = pyogrio.read_dataframe(ADDRESSES, columns=["nis_code", "status"], read_geometry=False)
    return int(((frame["nis_code"] == walk.city.nis_code) & (frame["status"] == "current")).sum())


def coordinator_records_signals(walk: Walk, page: Any) -> None:
    """Two indicators received today on each trade: together they flag it."""
    t = walk.t
    for business in walk.city.businesses:
        page.get_by_role("link", name=t("Risk list")).first.click()
        page.get_by_label(t("Sector"), exact=True).select_option(
            label=sector_title(walk, "hair_salon")
        )
        page.get_by_role("button", name=t("Apply filters")).click()
        page.get_by_role("link", name=business.name).click()
        expect(page.get_by_role("heading", name=business.name)).to_be_visible()
        form = page.locator("form", has=page.get_by_role("button", name=t("Save the signal")))
        form.get_by_label(t("Source")).select_option(index=1)
        form.get_by_label(t("Received on")).fill(timezone.localdate().isoformat())
        for code in ("no-dimona", "id-papers-held"):
            form.get_by_label(indicator_title(walk, code), exact=True).check()
        form.get_by_label(t("Description")).fill(walk.city.signal_text)
        form.get_by_role("button", name=t("Save the signal")).click()
        expect(page.get_by_text(t("The signal was recorded."))).to_be_visible()
    walk.shoot(page, "07-signal-recorded")


def sector_title(walk: Walk, code: str) -> str:
    from gis.models import Sector
    from partners.models import in_active_language

    return in_active_language(Sector.objects.get(code=code), "title", walk.city.language)


def indicator_title(walk: Walk, code: str) -> str:
    from gis.models import Indicator
    from partners.models import in_active_language

    return in_active_language(Indicator.objects.get(code=code), "title", walk.city.language)


def coordinator_finds_the_flagged_premises(walk: Walk, page: Any) -> None:
    t = walk.t
    page.get_by_role("link", name=t("Map"), exact=True).first.click()
    page.get_by_label(t("Flagged only")).check()
    page.get_by_role("button", name=t("Apply filters")).click()
    markers = page.locator("#premises-map path.leaflet-interactive, .leaflet-marker-icon")
    expect(markers).to_have_count(len(walk.city.businesses))
    popup = page.locator(".premises-popup")
    # The view moves first and the markers follow: a click while they are being
    # redrawn opens nothing, as for a person who then clicks again.
    for _attempt in range(5):
        markers.first.dispatch_event("click")
        try:
            expect(popup).to_be_visible(timeout=2000)
            break
        except AssertionError:
            continue
    expect(popup).to_be_visible()
    expect(popup.locator(".badge, .risk")).not_to_have_count(0)
    walk.shoot(page, "08-map-flagged")


def coordinator_plans_the_day(walk: Walk, page: Any) -> None:
    """Today's day: the flagged trades plus one more address, two partners, two teams,
    routes; the conflicts the page lists are resolved one by one; then release."""
    t, city = walk.t, walk.city
    page.get_by_role("link", name=t("Action days")).first.click()
    page.get_by_role("link", name=t("Plan an action day")).click()
    page.get_by_label(walk.label("title")).fill(city.day_title)
    page.get_by_label(walk.label("date")).fill(timezone.localdate().isoformat())
    page.get_by_label(walk.label("start"), exact=True).fill("00:30")
    page.get_by_label(walk.label("end"), exact=True).fill("23:30")
    page.get_by_role("button", name=t("Create and choose premises")).click()
    expect(page.get_by_role("heading", name=city.day_title)).to_be_visible()

    with page.expect_response(lambda r: "fragment=candidates" in r.url):
        page.locator("#plan-filters").get_by_label(t("Flagged only")).check()
    settled(page)
    candidates = page.locator("#candidates input[type=checkbox]")
    expect(candidates).to_have_count(len(city.businesses))
    for index in range(len(city.businesses)):
        candidates.nth(index).check()
    page.get_by_role("button", name=t("Add the selected premises")).click()
    body = page.locator("#plan-body")
    expect(body).to_contain_text(
        walk.tn("%(counter)s visit", "%(counter)s visits", len(city.businesses))
    )
    police, social = (spec.short_name for spec in city.partners[1:3])
    body.get_by_label(police, exact=True).check()
    body.get_by_label(social, exact=True).check()
    with page.expect_response(lambda r: "/plan/partners/" in r.url):
        body.get_by_role("button", name=t("Save partners")).click()
    settled(page)
    conflicts = page.locator("#conflicts")
    expect(conflicts.locator("li")).not_to_have_count(0)
    walk.shoot(page, "09-plan-conflicts")

    people = city.people
    first, second = city.teams
    make_team(walk, page, first, people["police"], [people["social"], people["social2"]])
    make_team(walk, page, second, people["police2"], [])
    rows = page.locator("tr[data-visit]")
    # Two trades for team 1, the last for team 2.
    for index in range(len(city.businesses)):
        team = first if index < len(city.businesses) - 1 else second
        with page.expect_response(lambda r: "/plan/assign/" in r.url):
            page.locator("tr[data-visit] select[name=team]").nth(index).select_option(label=team)
        settled(page)
    # Team 2 is the police alone: the social checks of its visit cannot be done.
    last = rows.last
    for code in ("undeclared-work", "social-security"):
        title = competency_titles(walk, (code,))[0]
        if title not in last.inner_text():
            continue
        last.locator("summary").click()
        last.locator("select[name=competency]").select_option(label=title)
        last.locator("select[name=partner]").select_option("")
        with page.expect_response(lambda r: "/plan/adjust/" in r.url):
            last.get_by_role("button", name=t("Save")).click()
        settled(page)
        last = page.locator("tr[data-visit]").last
    with page.expect_response(lambda r: "/plan/routes/" in r.url):
        page.get_by_role("button", name=t("Propose routes and slots")).click()
    settled(page)
    expect(conflicts).to_contain_text(t("No conflicts."))
    walk.shoot(page, "10-plan-no-conflicts")
    page.get_by_role("button", name=t("Mark as planned")).click()
    expect(page.locator(".status-bar .badge")).to_have_text(t("Planned"))
    page.get_by_role("button", name=t("Release to the participants")).click()
    # Release makes the briefing packs again (in the worker) before the page returns.
    expect(page.locator(".status-bar .badge")).to_have_text(t("Released"), timeout=30000)
    walk.shoot(page, "11-plan-released")


def make_team(walk: Walk, page: Any, name: str, lead: Account, members: list[Account]) -> None:
    t = walk.t
    body = page.locator("#plan-body details:has(#team-name)")
    body.get_by_text(t("New team")).click()
    body.get_by_label(t("Team name")).fill(name)
    body.get_by_label(t("Team lead")).select_option(label=f"{lead.full_name} ({lead.partner})")
    for member in members:
        body.get_by_label(f"{member.full_name} ({member.partner})").check()
    with page.expect_response(lambda r: "/plan/teams/" in r.url):
        body.get_by_role("button", name=t("Save team")).click()
    settled(page)


def settled(page: Any) -> None:
    """Wait until htmx has swapped and settled its last answer (a full page load that
    replaced it counts as settled once loaded)."""
    from playwright.sync_api import Error

    try:
        wait_until(
            page,
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')",
        )
    except Error:
        page.wait_for_load_state()


def coordinator_starts_the_day(walk: Walk, page: Any) -> None:
    page.get_by_role("button", name=walk.t("Start the day")).click()
    expect(page.locator(".status-bar .badge")).to_have_text(walk.t("In progress"), timeout=30000)


# --- the field -------------------------------------------------------------------------


def open_field_day(walk: Walk, account: Account) -> Any:
    page = walk.open(account, viewport=TABLET, service_workers="allow")
    page.get_by_role("link", name=walk.t("My action day")).first.click()
    expect(page.get_by_role("heading", name=walk.t("My action day"))).to_be_visible()
    expect(page.locator("#field-ready")).to_have_attribute("data-state", "ready", timeout=20000)
    wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout=15)
    return page


def open_visit(walk: Walk, page: Any, business: Business) -> None:
    page.locator(".field-visit-link", has_text=business.name).click()
    expect(page.get_by_role("heading", name=business.name)).to_be_visible()


def open_checklist(walk: Walk, page: Any, slug: str) -> None:
    from inspections.models import ChecklistTemplate
    from partners.models import in_active_language

    title = in_active_language(
        ChecklistTemplate.objects.get(slug=slug), "title", walk.city.language
    )
    page.locator(".field-checklist-link", has_text=title).click()
    expect(page.locator("#checklist-form")).to_be_visible()


def fill_social_checklist(page: Any, *, workers: str, without: str, photo: str) -> None:
    page.locator("#q-workers_present").fill(workers)
    page.locator('#wrap-without_dimona input[value="yes"]').check()
    page.locator("#q-without_dimona_count").fill(without)
    page.locator('#wrap-contracts input[value="none"]').check()
    page.locator("#q-documents").set_input_files(
        {"name": f"{photo}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(photo, (640, 480))}
    )
    expect(page.locator('[data-photos="documents"] img')).not_to_have_count(0)
    page.locator("#checklist-save").click()
    expect(page.locator("#form-status")).to_have_attribute("data-state", "saved")


def outbox_count(page: Any) -> Any:
    return page.locator("#field-outbox-count")


# The device's outbox itself, not the count drawn from it: a save just stored is drawn a
# moment later, and until then the count still reads the "0" from before it.
OUTBOX_EMPTY = "async () => (await IntegraStore.all('outbox')).length === 0"


def all_sent(walk: Walk, page: Any, shot: str) -> None:
    """The outbox empties; if it does not, the screenshot and the outbox's own words
    say why. A save made while the page's own sync was running waits for the next
    round (every 30 s): the inspector presses "Send now", as one would."""
    count = outbox_count(page)
    try:
        wait_until(page, OUTBOX_EMPTY, timeout=5)
        expect(count).to_have_text("0")
        return
    except AssertionError:
        page.get_by_role("button", name=walk.t("Send now")).click()
    try:
        wait_until(page, OUTBOX_EMPTY, timeout=35)
        expect(count).to_have_text("0")
    except AssertionError:
        walk.shoot(page, f"{shot}-not-sent")
        outbox = page.locator("#field-outbox").inner_text()
        raise AssertionError(f"Still in the outbox: {outbox}") from None


def inspectors_work_in_the_field(walk: Walk) -> None:
    """The second social inspector opens the day online and loses the network; the
    first fills the employment checklist online with a photo; the second fills the
    same checklist offline and, back online, merges the colleague's answers (point 7);
    the police inspector fills identities and trafficking and finishes the visit."""
    people, target = walk.city.people, walk.city.businesses[0]
    offline = open_field_day(walk, people["social2"])
    offline.context.set_offline(True)
    offline.reload()
    expect(offline.locator("#field-connection")).to_be_visible()
    walk.shoot(offline, "12-field-day-offline")

    police = open_field_day(walk, people["police"])
    open_visit(walk, police, target)
    police.locator('#visit-outcomes button[value="start"]').click()
    # The visit page follows the outcome once it is in the outbox.
    expect(police.locator("#visit-outcomes")).not_to_have_attribute("data-phase", "start")
    all_sent(walk, police, "12-field-visit-started")

    online = open_field_day(walk, people["social"])
    open_visit(walk, online, target)
    open_checklist(walk, online, "social-employment")
    fill_social_checklist(online, workers="4", without="2", photo="red")
    all_sent(walk, online, "13-field-checklist-online")
    walk.shoot(online, "13-field-checklist-online")

    open_visit(walk, offline, target)
    open_checklist(walk, offline, "social-employment")
    fill_social_checklist(offline, workers="5", without="3", photo="blue")
    expect(outbox_count(offline)).not_to_have_text("0")
    walk.shoot(offline, "14-field-checklist-offline")
    offline.context.set_offline(False)
    offline.evaluate("window.dispatchEvent(new Event('online'))")
    # Point 7 of issue 11: the refused save waits in the outbox with the colleague's
    # name and a link to compare both versions, question by question.
    expect(offline.locator(".field-entry-reason").first).to_be_visible(timeout=15000)
    compare = offline.locator("#field-outbox").get_by_role(
        "link", name=walk.t("Compare and choose")
    )
    shown = compare.count() > 0
    if shown:
        compare.first.click()
        expect(offline.locator("#field-merge")).to_be_visible()
        walk.shoot(offline, "15-field-merge")
        resolve_merge(walk, offline)
        all_sent(walk, offline, "15-field-merged")
        expect(offline.locator("#q-workers_present")).to_have_value("4")
        expect(offline.locator("#q-without_dimona_count")).to_have_value("3")
        walk.social_signer = "social2"
    else:
        walk.shoot(offline, "15-field-merge")
        walk.blocked_by(
            "field: the offline inspector's save of a finding a colleague changed is "
            "refused and nothing offers to merge the two (issue 11, point 7): "
            + offline.locator("#field-outbox").inner_text()[:300].replace("\n", " ")
        )

    open_checklist(walk, police, "police-identities")
    police.locator("#q-persons_present").fill("6")
    police.locator("#q-identities_checked").fill("6")
    police.locator('#wrap-irregular_stay input[value="yes"]').check()
    police.locator("#q-irregular_stay_count").fill("2")
    police.locator("#checklist-save").click()
    expect(police.locator("#form-status")).to_have_attribute("data-state", "saved")
    police.locator(".field-back").first.click()
    open_checklist(walk, police, "trafficking-indicators")
    for name in ("papers_held", "interpreter_present", "debt"):
        police.locator(f'#wrap-{name} input[value="yes"]').check()
    police.locator("#q-victims_count").fill("2")
    police.locator('#wrap-referred input[value="yes"]').check()
    police.locator("#checklist-save").click()
    expect(police.locator("#form-status")).to_have_attribute("data-state", "saved")
    police.locator(".field-back").first.click()
    police.locator('#visit-outcomes button[value="done"]').click()
    expect(police.locator("#visit-outcomes")).to_have_attribute("data-phase", "ended")
    all_sent(walk, police, "16-field-visit-done")
    walk.shoot(police, "16-field-visit-done")


def resolve_merge(walk: Walk, page: Any) -> None:
    """Keep the colleague's count of workers and our own count without Dimona (both
    photos are kept), then save the merged answers on top of the current version."""
    rows = page.locator("#field-merge-rows")
    rows.locator("tr[data-name=workers_present] input[value=theirs]").check()
    rows.locator("tr[data-name=without_dimona_count] input[value=mine]").check()
    page.get_by_role("button", name=walk.t("Save the chosen answers")).click()
    expect(page.locator("#form-status")).to_have_attribute("data-state", "saved")


# --- after the day ---------------------------------------------------------------------


def coordinator_closes_the_day(walk: Walk, page: Any) -> None:
    page.reload()
    page.get_by_role("button", name=walk.t("Close the day")).click()
    expect(page.locator(".status-bar .badge")).to_have_text(walk.t("Closed"), timeout=30000)
    walk.shoot(page, "17-day-closed")


def partners_sign_the_report(walk: Walk, coordinator: Any) -> str:
    """The coordinator compiles the joint report of the first trade; the police and
    the social inspection each sign it off from their own accounts."""
    t, target = walk.t, walk.city.businesses[0]
    coordinator.get_by_role("link", name=t("Reports")).first.click()
    row = coordinator.locator("tr", has_text=target.name)
    row.get_by_role("button", name=t("Compile the joint report")).click()
    # The report's own page, not the list the click is leaving (its heading may hold
    # the same words): its address is kept.
    expect(coordinator.locator(".messages")).to_contain_text(
        t("The joint report was compiled; it now awaits each partner's sign-off.")
    )
    expect(coordinator.get_by_role("heading", name=re.compile(t("Joint report")))).to_be_visible()
    report_url = coordinator.url
    for part in ("police", walk.social_signer):
        # The inspectors find the report waiting for them on their home page.
        page = walk.open(walk.person(part))
        waiting = page.locator("#decisions-panel")
        expect(waiting).to_contain_text(t("Joint reports awaiting your sign-off"))
        waiting.get_by_role("link", name=re.compile(re.escape(target.name))).click()
        page.get_by_role("button", name=t("Sign off the report")).click()
        # The signer's name is on every page (the menu): the answer's message comes first.
        signed = "|".join(
            re.escape(t(message))
            for message in ("Your sign-off was recorded.", "The report is final.")
        )
        expect(page.locator(".messages")).to_contain_text(re.compile(signed))
        expect(page.locator("body")).to_contain_text(walk.person(part).full_name)
        walk.shoot(page, f"18-report-signed-{part}")
    return report_url


def download(walk: Walk, page: Any, link: Any, name: str) -> str:
    """Download a PDF through its link, keep it beside the screenshots to look at, and
    return its text."""
    with page.expect_download() as info:
        link.click()
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"%PDF"), content[:100]
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"{walk.prefix}-{name}.pdf").write_bytes(content)
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    # Lines break anywhere in a PDF: read it as one line of single spaces.
    text = " ".join(text.split())
    walk.read(f"{name}.pdf", text)
    return text


def mayor_decides(walk: Walk) -> tuple[Any, str, str]:
    """Draft a 134quinquies closure from the joint report, record the prosecutor's
    consultation and the hearing, take the decision and serve it. Returns the page,
    the joint report's PDF text and the decision's PDF text."""
    t, city, target = walk.t, walk.city, walk.city.businesses[0]
    today = timezone.localdate()
    page = walk.open(walk.person("mayor"))
    page.get_by_role("link", name=t("Reports")).first.click()
    page.locator("tr", has_text=target.name).get_by_role("link").first.click()
    report_text = download(
        walk, page, page.get_by_role("link", name=re.compile(t("PDF"))).first, "joint-report"
    )
    walk.shoot(page, "19-mayor-report")
    page.get_by_role("link", name=t("Draft a decision")).click()
    select_by_text(page, t("Decision type"), "134quinquies")
    page.get_by_role("button", name=t("Start the draft")).click()
    expect(page.get_by_role("heading", name=t("Draft decision"))).to_be_visible()
    page.get_by_label(t("Hearing on")).fill(f"{(today - timedelta(days=1)).isoformat()}T10:00")
    page.get_by_label(t("Place")).fill(city.hearing_place)
    page.get_by_role(
        "button", name=t("Schedule the hearing and make the invitation letter")
    ).click()
    expect(page.locator(".messages")).to_contain_text(
        t("The hearing was scheduled; the invitation letter is being generated.")
    )
    page.get_by_label(t("Operator heard on")).fill((today - timedelta(days=1)).isoformat())
    page.get_by_label(t("Minutes")).fill(city.signal_text)
    page.get_by_role("button", name=t("Record the hearing")).click()
    expect(page.locator(".messages")).to_contain_text(t("The hearing was recorded."))
    page.get_by_label(walk.label("decision date")).fill(today.isoformat())
    page.get_by_label(walk.label("effective from")).fill(today.isoformat())
    page.get_by_label(walk.label("expires on")).fill((today + timedelta(days=90)).isoformat())
    page.get_by_label(walk.label("condition for lifting")).fill(city.signal_text)
    page.get_by_label(walk.label("prosecutor consulted on")).fill(
        (today - timedelta(days=3)).isoformat()
    )
    page.get_by_label(walk.label("prosecutor's reference")).fill(city.prosecutor_reference)
    page.get_by_role("button", name=t("Save the draft")).click()
    expect(page.locator(".messages")).to_contain_text(t("The draft was saved."))
    walk.shoot(page, "20-decision-draft")
    page.get_by_role("button", name=t("Take the decision")).click()
    expect(page.locator(".messages")).to_contain_text(
        t("The decision was taken; its document is being generated.")
    )
    decision_text = download(
        walk, page, page.get_by_role("link", name=re.compile(r"\(PDF\)")).first, "decision"
    )
    serve(walk, page)
    walk.shoot(page, "21-decision-served")
    return page, report_text, decision_text


def day_report_counts_as_the_joint_report(walk: Walk, coordinator: Any) -> None:
    """The action-day report counts the infraction the joint report shows (the
    employment one; the police's findings are not usable by the city) and the closure."""
    t, target = walk.t, walk.city.businesses[0]
    coordinator.get_by_role("link", name=t("Reports")).first.click()
    coordinator.get_by_role("link", name=t("Action-day reports")).click()
    coordinator.get_by_role("link", name=walk.city.day_title).click()
    expect(
        coordinator.get_by_role("heading", name=re.compile(t("Action-day report")))
    ).to_be_visible()
    row = coordinator.locator("tr", has_text=target.name)
    cells = row.locator("td.number")
    expect(cells.first).to_have_text("1")  # infractions
    expect(row).to_contain_text(t("Closure"))
    totals = coordinator.locator("table.data").first
    infractions = totals.locator("tr", has_text=t("Infractions")).locator("td")
    expect(infractions).to_have_text("1")
    walk.shoot(coordinator, "21b-day-report")


def select_by_text(page: Any, label: str, part: str) -> None:
    select = page.get_by_label(label)
    options = select.locator("option").all_inner_texts()
    select.select_option(label=next(option for option in options if part in option))


def serve(walk: Walk, page: Any) -> None:
    form = page.locator("form[action$='/serve/']")
    form.get_by_label(walk.t("Dispatched on")).fill(timezone.localdate().isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(walk.t("The dispatch was recorded."))


def permit_desk_sees_the_flag(walk: Walk) -> None:
    t, target = walk.t, walk.city.businesses[0]
    page = walk.open(walk.person("clerk"))
    page.get_by_role("link", name=t("Permit lookup")).first.click()
    flagged = t(
        "Flagged: consult the administrative-approach team before granting a permit or a grant."
    )
    for query, shot in (
        (walk.addresses[target.name], "22-permit-address"),
        (target.enterprise_number, "23-permit-enterprise"),
    ):
        field = page.get_by_label(t("Address, parcel key or enterprise number"))
        field.fill(query)
        page.get_by_role("button", name=t("Look up")).click()
        expect(page.get_by_text(flagged).first).to_be_visible()
        walk.shoot(page, shot)


def follow_up_is_proposed(walk: Walk, coordinator: Any) -> None:
    """The closure's re-inspection waits on the coordinator's home page; planning it
    makes a new draft day for the same premises."""
    t, target = walk.t, walk.city.businesses[0]
    coordinator.get_by_role("link", name=t("Home"), exact=True).first.click()
    panel = coordinator.locator("#decisions-panel")
    expect(panel).to_contain_text(t("Follow-up inspections to plan"))
    item = panel.locator("li", has_text=target.name)
    expect(item).to_be_visible()
    walk.shoot(coordinator, "24-follow-up-proposed")
    item.get_by_label(t("Re-inspect on")).fill(
        (timezone.localdate() + timedelta(days=60)).isoformat()
    )
    item.get_by_role("button", name=t("Plan the re-inspection")).click()
    expect(coordinator.locator("tr[data-visit]", has_text=target.name)).to_be_visible()
    walk.shoot(coordinator, "25-follow-up-planned")


@contextmanager
def tasks_run_at_once() -> Iterator[None]:
    """The installation's worker picks each task up as it is queued (imports, PDFs)."""
    from unittest import mock

    from django.conf import settings
    from django.test import override_settings
    from django_q.conf import Conf

    cluster = dict(settings.Q_CLUSTER, sync=True)
    with mock.patch.object(Conf, "SYNC", True), override_settings(Q_CLUSTER=cluster):
        yield


def nothing_lost(walk: Walk) -> None:
    """Read back at the end: one finding per checklist and visit, each photo once."""
    from inspections.models import Evidence, Finding

    target = walk.city.businesses[0]
    findings = Finding.objects.filter(visit__premises__name=target.name)
    slugs = sorted(findings.values_list("template__slug", flat=True))
    assert slugs == ["police-identities", "social-employment", "trafficking-indicators"], slugs
    hashes = list(Evidence.objects.values_list("sha256", flat=True))
    assert len(hashes) == len(set(hashes)) == 2, hashes


__all__ = ["date"]


def walk_the_path(walk: Walk, *, reads: dict[str, Any]) -> tuple[str, str]:
    """The whole path, step by step; ``reads`` holds, per step, what the walk's
    language makes the page say (called with the page the step used). Returns the
    texts of the joint report's and the decision's PDF."""
    with walk.step("admin sets up the city"):
        admin_sets_up_the_city(walk)
    coordinator = walk.open(walk.person("coordinator"))
    reads["home"](coordinator)
    for name, step in (
        ("import", coordinator_imports_the_register),
        ("signals", coordinator_records_signals),
        ("map", coordinator_finds_the_flagged_premises),
        ("plan and release", coordinator_plans_the_day),
        ("start the day", coordinator_starts_the_day),
    ):
        with walk.step(name):
            step(walk, coordinator)
    reads["released"](coordinator)
    with walk.step("field"):
        inspectors_work_in_the_field(walk)
    with walk.step("close the day"):
        coordinator_closes_the_day(walk, coordinator)
    with walk.step("sign the joint report"):
        partners_sign_the_report(walk, coordinator)
    with walk.step("decision"):
        mayor, report_text, decision_text = mayor_decides(walk)
    reads["decision"](mayor)
    with walk.step("day report"):
        day_report_counts_as_the_joint_report(walk, coordinator)
    with walk.step("permit desk"):
        permit_desk_sees_the_flag(walk)
    with walk.step("follow-up"):
        follow_up_is_proposed(walk, coordinator)
    nothing_lost(walk)
    print(walk.report(), file=sys.stderr)
    return report_text, decision_text
