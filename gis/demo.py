"""The demo city's premises register: Halle's real address points (BeSt Address, see
gis/demo_data/README.md) with invented businesses, operators and signals shaped after the
CONFINE cases (../shared/SCENARIO.md): a valet car wash, massage parlours, night shops,
restaurants, a house with a high registration turnover, an office building housing
workers, a bar with nuisance complaints.

Idempotent: premises are created once per address id, signals only for premises that
have none, so a second run changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyogrio
import shapely
from django.db import transaction
from django.utils import timezone
from pyproj import Transformer
from shapely.geometry import mapping, shape

from gis import risk
from gis.models import Indicator, Premises, Sector, Signal, Zone
from gis.search import premises_key
from partners.models import Municipality, Partner

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
    load_zones(municipality)
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


def load_zones(municipality: Municipality) -> None:
    import json

    to_wgs84 = Transformer.from_crs(SOURCE_CRS, "EPSG:4326", always_xy=True)
    collection = json.loads((DATA / "halle_zones_31370.geojson").read_text())
    outlines = [
        (
            feature["properties"]["external_id"],
            feature["properties"]["name"],
            feature["properties"]["kind"],
            shape(feature["geometry"]),
        )
        for feature in collection["features"]
    ]
    arterial = Premises.objects.filter(
        municipality=municipality, address__startswith="Bergensesteenweg"
    )
    points = [shapely.Point(x, y) for x, y in arterial.values_list("source_x", "source_y")]
    if points:
        axis = shapely.MultiPoint(points).buffer(80).simplify(10)
        outlines.append(("demo-winkelas", "Winkelas Bergensesteenweg", "shopping_area", axis))
    for external_id, name, kind, geometry in outlines:
        if Zone.objects.filter(municipality=municipality, external_id=external_id).exists():
            continue
        wgs84 = shapely.transform(
            geometry,
            lambda coords: list(zip(*to_wgs84.transform(coords[:, 0], coords[:, 1]), strict=True)),
        )
        west, south, east, north = wgs84.bounds
        Zone.objects.create(
            municipality=municipality,
            external_id=external_id,
            kind=kind,
            name=name,
            geometry=mapping(wgs84),
            west=west,
            south=south,
            east=east,
            north=north,
            source_crs=SOURCE_CRS,
        )


def add_signals(municipality: Municipality, rng: random.Random) -> None:
    if Signal.objects.filter(premises__municipality=municipality).exists():
        return
    today = timezone.localdate()
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    partners = {partner.slug: partner for partner in Partner.objects.all()}
    touched = []
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
                partners.get(partner_slug),
            )
        touched.append(premises)
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
            partners.get("stad-halle-iv"),
        )
        touched.append(premises)
    risk.refresh(touched)


def add_signal(
    premises: Premises,
    received_on: date,
    source: str,
    indicators: list[Indicator],
    partner: Partner | None,
) -> None:
    signal = Signal.objects.create(
        premises=premises,
        source=source,
        received_on=received_on,
        description="",
        confidentiality=Signal.Confidentiality.CITY,
        recorded_by_partner=partner,
    )
    signal.indicators.set(indicators)
