"""The demo city's premises register: Halle's real address points (BeSt Address, see
gis/demo_data/README.md) with invented businesses, operators and signals shaped after the
CONFINE cases (../shared/SCENARIO.md): a valet car wash, massage parlours, night shops,
restaurants, a house with a high registration turnover, an office building housing
workers, a bar with nuisance complaints.

Zones and signals arrive as on the pages: the zones uploaded as layers through the
import, the signals recorded by the coordinator through the signal form and its action
(``record_signal``), so the demo holds nothing the pages cannot reach. The premises are
written at once from the address points.

Idempotent: premises are created once per address id, zones and signals only for a
city that has none, so a second run changes nothing.
"""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyogrio
import shapely
from django.db import transaction
from django.utils import timezone
from pyproj import Transformer
from shapely.geometry import mapping

from gis.access import can_record_signals
from gis.actions import record_signal
from gis.forms.signals import SignalForm
from gis.importing import import_file
from gis.models import ImportRun, Indicator, Premises, ReferenceLayer, Sector, Signal, Zone
from gis.search import premises_key
from partners.models import Municipality, Person, Role

DATA = Path(__file__).parent / "demo_data"
SOURCE_CRS = "EPSG:31370"
ARTERIAL_STREETS = {
    "Bergensesteenweg",
    "Edingensesteenweg",
    "Stationsstraat",
    "Kasteelbrakelsesteenweg",
}

# name, sector, operator, street, signals: (days ago, source, indicator codes, partner slug)
# fmt: off
SCENARIO = [
    ("Splash Handcarwash", "car_wash", "Splash Services BV", "Bergensesteenweg", [
        (60, "neighbour", ["late-night-noise", "living-on-site"], "stad-halle-iv"),
        (35, "internal_service", ["activity-without-permit"], "stad-halle-omgeving"),
        (20, "police_report", ["recruitment-asylum-centres"], "pz-zennevallei")]),
    ("Thai Massage Lotus", "massage_parlour", "Lotus Wellness BV", "Edingensesteenweg", [
        (90, "internal_service", ["frequent-office-changes", "one-manager-many-companies"],
         "stad-halle-economie"),
        (40, "anonymous_letter", ["many-short-visits", "living-on-site"], "stad-halle-iv")]),
    ("Massage Jade", "massage_parlour", "Jade Beauty CommV", "Bergensesteenweg", [
        (90, "internal_service", ["one-manager-many-companies"], "stad-halle-economie")]),
    ("Nachtwinkel Lembeek", "night_shop", "A. Rahimi", "Bergensesteenweg", [
        (120, "police_report", ["hawala-remittances", "cash-only"], "pz-zennevallei"),
        (30, "neighbour", ["late-night-noise"], "stad-halle-iv")]),
    ("Night Shop Express", "night_shop", "Express Trading BV", "Edingensesteenweg", [
        (200, "neighbour", ["late-night-noise"], "stad-halle-iv")]),
    ("Avondwinkel Zenne", "night_shop", "Zenne Food BV", "Stationsstraat", [
        (45, "hotline", ["cash-only", "excessive-hours"], "stad-halle-iv")]),
    ("Belwinkel Global", "night_shop", "Global Phone BV", "Kasteelbrakelsesteenweg", []),
    ("Restaurant Golden Dragon", "restaurant", "Golden Dragon BV", "Bergensesteenweg", [
        (70, "internal_service", ["living-on-site"], "hvz-vbw"),
        (25, "police_report", ["illegal-stay", "excessive-hours"], "pz-zennevallei")]),
    ("Pizzeria Bella Napoli", "restaurant", "Bella Napoli BV", "Stationsstraat", [
        (700, "earlier_inspection", ["cash-only"], "fod-financien")]),
    ("", "housing", "", "Edingensesteenweg", [
        (50, "internal_service", ["registration-turnover", "multiple-registrations"],
         "stad-halle-bevolking"),
        (15, "neighbour", ["mattresses-poor-hygiene"], "stad-halle-iv")]),
    ("Kantoorgebouw Lembeek", "office", "Bouwteam Zuid BV", "Bergensesteenweg", [
        (80, "permit_desk", ["living-in-unfit-space"], "stad-halle-wonen"),
        (28, "foreign_report", ["subcontracting-chain"], "tsw")]),
    ("Café De Zwaan", "bar", "De Zwaan CommV", "Kasteelbrakelsesteenweg", [
        (100, "neighbour", ["late-night-noise"], "stad-halle-iv"),
        (33, "police_report", ["minors-present"], "pz-zennevallei")]),
]
# fmt: on

BUSINESS_NAMES = {
    "bar": ["Café Sport", "Café De Kroon", "Bistro Lembeek", "Café Zennedal", "Taverne 't Hoekske"],
    "restaurant": ["Frituur Lembeek", "Snackbar Istanbul", "Eethuis De Linde", "Sushi Zen"],
    "retail": ["Bakkerij Vanhove", "Slagerij Peeters", "Apotheek Lembeek", "Fietsen Willems"],
    "hair_salon": ["Kapsalon Sofia", "Nagelstudio Rose", "Barbershop Ali"],
    "night_shop": ["Nachtwinkel Zuid", "Avondwinkel Centrum"],
    "car_wash": ["Carwash Zennevallei"],
    "warehouse": ["Opslag Van Damme", "Distributie Lembeek"],
    "transport": ["Taxi Halle-Lembeek", "Koerier Zuid"],
    "hotel": ["Hotel De Zenne"],
}


@dataclass
class AddressPoint:
    address_id: str
    street: str
    housenumber: str
    postcode: str
    x: float
    y: float
    lon: float
    lat: float


def read_addresses() -> list[AddressPoint]:
    frame = pyogrio.read_dataframe(DATA / "halle_addresses_31370.gpkg", layer="addresses")
    xs, ys = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    lons, lats = Transformer.from_crs(SOURCE_CRS, "EPSG:4326", always_xy=True).transform(xs, ys)
    points = []
    for row, x, y, lon, lat in zip(frame.itertuples(), xs, ys, lons, lats, strict=True):
        box = row.boxnumber if isinstance(row.boxnumber, str) and row.boxnumber else ""
        number = str(row.housenumber) + (f" bus {box}" if box else "")
        points.append(
            AddressPoint(
                row.address_id,
                row.street_nl,
                number,
                str(row.postcode),
                float(x),
                float(y),
                round(float(lon), 7),
                round(float(lat), 7),
            )
        )
    return sorted(points, key=lambda point: point.address_id)


def enterprise_number(rng: random.Random) -> str:
    base = rng.randrange(200_000_00, 999_999_99)
    digits = f"{base:08d}{97 - base % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def parcel_key(rng: random.Random) -> str:
    return (
        f"23032{rng.choice('ABCDE')}{rng.randrange(1, 2000):04d}/"
        f"00{rng.choice('ABCDEFGHK_')}{rng.randrange(0, 20):03d}"
    )


@transaction.atomic
def load(municipality: Municipality) -> None:
    rng = random.Random(23027)  # noqa: S311 - reproducible demo data, not security
    if not Premises.objects.filter(municipality=municipality).exists():
        create_premises(municipality, rng)
    load_zones(municipality, recorder(municipality, "stad-halle-iv"))
    load_reference_layers(municipality, recorder(municipality, "stad-halle-iv"))
    add_signals(municipality, rng)


def create_premises(municipality: Municipality, rng: random.Random) -> None:
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    addresses = read_addresses()
    used: set[str] = set()
    premises = []
    for name, sector, operator, street, _signals in SCENARIO:
        point = next(p for p in addresses if p.street == street and p.address_id not in used)
        used.add(point.address_id)
        premises.append(
            make_premises(
                municipality,
                point,
                name=name,
                sector=sectors[sector],
                operator=operator,
                rng=rng,
                identified=True,
            )
        )
    for point in addresses:
        if point.address_id in used:
            continue
        on_arterial = point.street in ARTERIAL_STREETS
        if rng.random() < (0.25 if on_arterial else 0.03):
            sector_code = rng.choice(list(BUSINESS_NAMES))
            premises.append(
                make_premises(
                    municipality,
                    point,
                    name=rng.choice(BUSINESS_NAMES[sector_code]),
                    sector=sectors[sector_code],
                    operator="",
                    rng=rng,
                    identified=rng.random() < 0.5,
                )
            )
        else:
            premises.append(
                make_premises(
                    municipality,
                    point,
                    name="",
                    sector=sectors["housing"],
                    operator="",
                    rng=rng,
                    identified=False,
                )
            )
    Premises.objects.bulk_create(premises, batch_size=500)


def make_premises(
    municipality: Municipality,
    point: AddressPoint,
    *,
    name: str,
    sector: Sector,
    operator: str,
    rng: random.Random,
    identified: bool,
) -> Premises:
    object_id, _, version = point.address_id.partition("/")[2].partition("/")
    address = f"{point.street} {point.housenumber}, {point.postcode} Halle"
    return Premises(
        municipality=municipality,
        external_id=point.address_id,
        name=name,
        address=address,
        # bulk_create skips save(), which keeps the permit desk's search key.
        search_key=premises_key(name, operator, address),
        sector=sector,
        lon=point.lon,
        lat=point.lat,
        source_x=point.x,
        source_y=point.y,
        source_crs=SOURCE_CRS,
        address_register_id=object_id,
        address_register_version=version,
        parcel_key=parcel_key(rng) if identified else "",
        enterprise_number=enterprise_number(rng) if identified and sector.code != "housing" else "",
        operator_name=operator,
    )


def load_zones(municipality: Municipality, coordinator: Any) -> None:
    """The outline of Halle, its police zone and its shopping axis, uploaded by the
    coordinator as layers, as the import page does (one run per kind of zone, the
    shipped file filtered by its kind)."""
    if Zone.objects.filter(municipality=municipality).exists():
        return
    zones = DATA / "halle_zones_31370.geojson"
    for kind in (Zone.Kind.MUNICIPALITY, Zone.Kind.POLICE_ZONE):
        import_zones(municipality, coordinator, zones, kind, where=f"kind = '{kind}'")
    arterial = Premises.objects.filter(
        municipality=municipality, address__startswith="Bergensesteenweg"
    )
    points = [shapely.Point(x, y) for x, y in arterial.values_list("source_x", "source_y")]
    if not points:
        return
    axis = shapely.MultiPoint(points).buffer(80).simplify(10)
    with tempfile.TemporaryDirectory(prefix="integra-demo-") as folder:
        path = Path(folder) / "winkelas.geojson"
        feature = {
            "type": "Feature",
            "properties": {"external_id": "demo-winkelas", "name": "Winkelas Bergensesteenweg"},
            "geometry": mapping(axis),
        }
        crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}}
        collection = {"type": "FeatureCollection", "crs": crs, "features": [feature]}
        path.write_text(json.dumps(collection))
        import_zones(municipality, coordinator, path, Zone.Kind.SHOPPING_AREA)


def import_zones(
    municipality: Municipality, user: Any, path: Path, kind: str, **options: str
) -> None:
    run = import_file(
        path,
        kind=ImportRun.Kind.ZONES,
        municipality=municipality.code,
        user=user,
        options={
            **options,
            "zone_kind": kind,
            "mapping": {"id_field": "external_id", "name_field": "name"},
        },
    )
    if run.status != ImportRun.Status.DONE:
        raise RuntimeError(f"The demo's {kind} zones were not imported: {run.message}")


# The shipped layers the demo city draws under its premises, as its coordinator would
# upload them: (file, layer, kind, name).
REFERENCE_LAYERS = [
    ("halle_zones_31370.geojson", None, ReferenceLayer.Kind.OTHER, "Gemeente- en politiezonegrens"),
    ("halle_addresses_31370.gpkg", "addresses", ReferenceLayer.Kind.ADDRESSES, "Adrespunten"),
]


def load_reference_layers(municipality: Municipality, coordinator: Any) -> None:
    """Halle's address points, faint (they trace the streets), and its boundaries, as
    reference layers through the import, for a city that has none."""
    if ReferenceLayer.objects.filter(municipality=municipality).exists():
        return
    for filename, layer, kind, name in REFERENCE_LAYERS:
        options = {"reference_kind": kind, "reference_name": name}
        if layer:
            options["layer"] = layer
        run = import_file(
            DATA / filename,
            kind=ImportRun.Kind.REFERENCE,
            municipality=municipality.code,
            user=coordinator,
            options=options,
        )
        if run.status != ImportRun.Status.DONE:
            raise RuntimeError(f"The demo's reference layer {name} was not imported: {run.message}")


def add_signals(municipality: Municipality, rng: random.Random) -> None:
    if Signal.objects.filter(premises__municipality=municipality).exists():
        return
    today = timezone.localdate()
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    for name, sector, _operator, street, signals in SCENARIO:
        premises = Premises.objects.filter(
            municipality=municipality, sector__code=sector, name=name, address__startswith=street
        ).first()
        if premises is None:
            continue
        for days_ago, source, codes, partner_slug in signals:
            add_signal(
                premises,
                today - timedelta(days=days_ago),
                source,
                [indicators[code] for code in codes],
                recorder(municipality, partner_slug),
            )
    others = list(
        Premises.objects.filter(municipality=municipality, signals__isnull=True)
        .exclude(name__in=[row[0] for row in SCENARIO if row[0]])
        .order_by("external_id")
        .only("pk", "sector_id")
    )
    catalogue = list(indicators.values())
    for premises in rng.sample(others, k=min(60, len(others))):
        chosen = rng.sample(catalogue, k=rng.choice([1, 1, 2]))
        add_signal(
            premises,
            today - timedelta(days=rng.randrange(10, 900)),
            rng.choice(list(Signal.Source)),
            chosen,
            recorder(municipality, "stad-halle-iv"),
        )


def recorder(municipality: Municipality, partner_slug: str) -> Any:
    """Who records a signal the scenario has from ``partner_slug``: someone of that
    partner who may record signals, else the city's coordinator, who records what the
    partners report (the signal's source says where it came from)."""
    people = [
        person
        for person in Person.objects.filter(municipalities=municipality).select_related(
            "user", "partner"
        )
        if can_record_signals(person.user)
    ]
    if not people:
        raise RuntimeError(f"{municipality} has nobody who may record signals: load its people.")
    people.sort(
        key=lambda person: (
            person.partner.slug != partner_slug,
            not person.has_role(Role.COORDINATOR),
            person.user.get_username(),
        )
    )
    return people[0].user


def add_signal(
    premises: Premises,
    received_on: date,
    source: str,
    indicators: list[Indicator],
    user: Any,
) -> None:
    """Through the signal form and the action its page calls."""
    form = SignalForm(
        {
            "source": source,
            "received_on": received_on.isoformat(),
            "indicators": [indicator.pk for indicator in indicators],
            "description": "",
            "confidentiality": Signal.Confidentiality.CITY,
        },
        premises=premises,
    )
    if not form.is_valid():
        raise RuntimeError(f"A demo signal for {premises} is refused: {form.errors.as_text()}")
    record_signal(premises=premises, user=user, **form.cleaned_data)
