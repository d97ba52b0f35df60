"""Official reports against the floor of WeasyPrint rendering the same finished HTML in
the same run.

- ``joint_report``: a visit with 6 partners and 12 photos, from the findings in the
  database to the PDF/A bytes (snapshot, template, WeasyPrint); goal ratio ≤ 1.3.
- ``action_day_report_10`` / ``_40``: the action-day summary PDF for 10 and 40 visits;
  ``growth`` is the 40-visit time over the 10-visit time (4.0 would be linear).
- Peak Python memory while rendering the joint report (tracemalloc).

Each is run in turns with its floor (:func:`bench.harness.paired_best_of`); ``cpu_ratio``
is the same ratio in CPU time, steadier on a machine shared with other work.
"""

from __future__ import annotations

import tracemalloc
from datetime import time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from weasyprint import HTML

from bench.harness import count_queries, paired_best_of, report
from decisions import day_report, reports
from decisions.demo import record_finding
from decisions.facts import compile_content
from decisions.rendering import BASE_URL, PDF_VARIANT, render_report, report_html
from gis.models import Premises, Sector
from inspections.briefing import LocalFetcher
from inspections.models import ActionDay, ChecklistTemplate, Team, Visit, VisitTask
from partners.models import Municipality, Partner, Person, Role

# partner slug, checklist, answers (two photos each)
PARTNERS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "b-police",
        "police-identities",
        {
            "persons_present": 9,
            "identities_checked": 9,
            "irregular_stay": "yes",
            "irregular_stay_count": 2,
        },
    ),
    (
        "b-social",
        "social-employment",
        {
            "workers_present": 6,
            "without_dimona": "yes",
            "without_dimona_count": 3,
            "fee_to_work": "yes",
        },
    ),
    ("b-labour", "social-hours", {"long_hours": "yes", "sleeping_on_site": "yes"}),
    (
        "b-fire",
        "fire-safety",
        {"exits_clear": "no", "extinguishers": "no", "closure_advised": "yes"},
    ),
    (
        "b-housing",
        "housing-quality",
        {"occupants": 14, "mattresses_on_floor": "yes", "unfit_space": "yes"},
    ),
    ("b-planning", "planning-permit", {"permit": "none", "without_permit": "yes", "sealed": "no"}),
]
PHOTO_QUESTION = {
    "police-identities": None,
    "social-employment": "documents",
    "social-hours": "sleeping_photos",
    "fire-safety": "fire_photos",
    "housing-quality": "housing_photos",
    "planning-permit": "planning_photos",
}


def setup_people(city: Municipality) -> dict[str, User]:
    users = {}
    for slug, _checklist, _answers in PARTNERS:
        partner, _ = Partner.objects.get_or_create(
            slug=slug,
            defaults={
                "name": slug.title(),
                "short_name": slug[2:].title(),
                "level": "local",
                "country": "BE",
            },
        )
        partner.municipalities.add(city)
        user, _ = User.objects.get_or_create(username=f"bench-{slug}")
        person, _ = Person.objects.get_or_create(
            user=user, defaults={"partner": partner, "roles": [Role.TEAM_LEAD]}
        )
        person.municipalities.add(city)
        users[slug] = user
    users["mayor"] = User.objects.get_or_create(username="bench-mayor")[0]
    return users


def closed_day(city: Municipality, title: str, visits: int, users: dict[str, User]) -> ActionDay:
    """A day of ``visits`` done visits, each with every bench partner's checks, and
    its findings submitted by the partners' inspectors while it was in progress (see
    :func:`add_findings`); the caller closes it."""
    coordinator = User.objects.get_or_create(username="bench-coordinator")[0]
    day = ActionDay.objects.create(
        municipality=city,
        title=title,
        date=timezone.localdate() - timedelta(days=3),
        starts_at=time(9),
        ends_at=time(17),
        coordinator=coordinator,
        status=ActionDay.Status.IN_PROGRESS,
    )
    team = Team.objects.create(action_day=day, name="Bench team")
    team.members.set([users[slug] for slug, _checklist, _answers in PARTNERS])
    competencies = {
        template.slug: template.competency_id
        for template in ChecklistTemplate.objects.filter(
            slug__in=[checklist for _slug, checklist, _answers in PARTNERS]
        )
    }
    partners = {partner.slug: partner for partner in Partner.objects.filter(slug__startswith="b-")}
    sector = Sector.objects.filter(code="car_wash").first()
    for number in range(visits):
        premises = Premises.objects.create(
            municipality=city,
            external_id=f"{title}-{number}",
            name=f"Bench premises {number}",
            address=f"Bergensesteenweg {number + 1}, 1500 Halle",
            sector=sector,
            lon=4.23 + number * 0.001,
            lat=50.73 + number * 0.0005,
            source_x=0,
            source_y=0,
            source_crs="EPSG:31370",
            footprint={
                "type": "Polygon",
                "coordinates": [
                    [
                        [4.2299 + number * 0.001, 50.7299],
                        [4.2301 + number * 0.001, 50.7299],
                        [4.2301 + number * 0.001, 50.7302],
                        [4.2299 + number * 0.001, 50.7299],
                    ]
                ],
            },
        )
        visit = Visit.objects.create(
            action_day=day,
            premises=premises,
            team=team,
            status=Visit.Status.DONE,
            route_order=number,
        )
        VisitTask.objects.bulk_create(
            VisitTask(visit=visit, competency_id=competencies[checklist], partner=partners[slug])
            for slug, checklist, _answers in PARTNERS
        )
    return day


def close(day: ActionDay) -> ActionDay:
    day.close()
    day.save(update_fields=["status"])
    return day


def add_findings(day: ActionDay, users: dict[str, User], partners: int, photos: bool) -> None:
    for index, visit in enumerate(day.visits.order_by("route_order")):
        for slug, checklist, answers in PARTNERS[:partners]:
            given = dict(answers)
            question = PHOTO_QUESTION[checklist]
            if photos and question:
                # Twelve photos in all: four of the social inspection, two of the others
                # (the police checklist takes none).
                count = 4 if slug == "b-social" else 2
                given[question] = [f"#photo:{slug}-{index}-{n}" for n in range(count)]
            record_finding(visit, slug, users[slug], checklist, given)


def render_floor(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def run() -> None:
    city = Municipality.objects.create(code="99001", name="Benchstad", language="nl", country="BE")
    users = setup_people(city)
    day = closed_day(city, "Bench report day", 1, users)
    add_findings(day, users, partners=6, photos=True)
    close(day)
    visit = day.visits.get()
    joint = reports.compile_report(visit=visit, user=users["mayor"])
    photos = len(joint.content["photos"])
    html = report_html(joint)

    def ours() -> bytes:
        compile_content(visit)
        return render_report(joint)

    timed = paired_best_of(ours, lambda: render_floor(html))
    tracemalloc.start()
    content = ours()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(
        "joint_report",
        ours=timed.ours,
        floor=timed.floor,
        cpu_ratio=f"{timed.ours_cpu / timed.floor_cpu:.2f}",
        partners=len(joint.content["partners"]),
        photos=photos,
        bytes=len(content),
        queries=count_queries(ours),
        peak_mib=f"{peak / 2**20:.1f}",
    )
    timings = {}
    for visits in (10, 40):
        day = closed_day(city, f"Bench day {visits}", visits, users)
        add_findings(day, users, partners=3, photos=False)
        close(day)
        html = day_report.summary_html(day)
        timed = paired_best_of(
            lambda day=day: day_report.summary_pdf(day),  # type: ignore[misc]
            lambda html=html: render_floor(html),  # type: ignore[misc]
        )
        timings[visits] = timed.ours
        report(
            f"action_day_report_{visits}",
            ours=timed.ours,
            floor=timed.floor,
            cpu_ratio=f"{timed.ours_cpu / timed.floor_cpu:.2f}",
            visits=visits,
            queries=count_queries(lambda day=day: day_report.summary(day)),  # type: ignore[misc]
        )
    print(
        f"BENCH action_day_report growth={timings[40] / timings[10]:.2f} (40 vs 10 visits)",
        flush=True,
    )
