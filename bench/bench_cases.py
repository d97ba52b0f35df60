"""The case file's network on a city-sized register: 10,000 subjects and 50,000 links.

Measured, each against a floor measured in the same run:

* a case's network (200 subjects) against a bare SELECT of the same subjects and links;
* "within two steps" of a company against a bare SELECT of the rows it shows;
* "what connects these two" against a bare SELECT of every link's two ends (it reads
  the whole visible graph once);
* the case page and a subject page, through the whole request stack, against /healthz.

Query counts are printed for a case of 10 and one of 200 subjects and for two companies
of very different degree; the run fails when they differ: the cost of a page must not
be a query per subject.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import NoReverseMatch, reverse

from bench.harness import best_of, count_queries, report
from cases.models import Case, CaseMember, CaseSubject, Link, Subject
from cases.network import network_for_case, what_connects, within_steps
from partners.models import Municipality, Partner, Person, Role

SUBJECTS = 10_000
LINKS = 50_000
SEED = 2026


def build() -> dict[str, Any]:
    city = Municipality.objects.create(code="99001", name="Benchville", language="en", country="BE")
    partner = Partner.objects.create(
        slug="bench-city", name="Benchville", short_name="Bench", level="local", country="BE"
    )
    partner.municipalities.set([city])
    user = User.objects.create_user("bench-coordinator", password="x")
    person = Person.objects.create(user=user, partner=partner, roles=[Role.COORDINATOR])
    person.municipalities.set([city])
    kinds = ["company"] * 3 + ["person"] * 5 + ["vehicle"]
    subjects = Subject.objects.bulk_create(
        (
            Subject(municipality=city, kind=kinds[i % len(kinds)], name=f"Subject {i:05d}")
            for i in range(SUBJECTS)
        ),
        batch_size=2000,
    )
    chance = random.Random(SEED)
    roles = [role for role in Link.Role.values if role != "registered_at"]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < LINKS:
        a, b = chance.sample(range(SUBJECTS), 2)
        pairs.add((a, b))
    Link.objects.bulk_create(
        (
            Link(
                municipality=city,
                source=subjects[a],
                target=subjects[b],
                role=chance.choice(roles),
            )
            for a, b in sorted(pairs)
        ),
        batch_size=5000,
    )
    cases = {}
    for size in (10, 200):
        case = Case.objects.create(
            municipality=city,
            number=f"99001-2026-{size:04d}",
            title=f"Case {size}",
            phenomenon="drugs",
        )
        CaseMember.objects.create(case=case, person=person)
        members = chance.sample(subjects, size)
        CaseSubject.objects.bulk_create(CaseSubject(case=case, subject=s) for s in members)
        cases[size] = case
    return {"user": user, "subjects": subjects, "cases": cases}


def companies_by_degree() -> tuple[Subject, Subject]:
    """The company with the fewest links and the one with the most."""
    from django.db.models import Count

    ranked = (
        Subject.objects.filter(kind="company", municipality__code="99001")
        .annotate(out=Count("links_out", distinct=True), into=Count("links_in", distinct=True))
        .order_by("out", "into", "pk")
    )
    low = ranked.first()
    high = ranked.last()
    assert low is not None and high is not None
    return low, high


def bare_case_rows(case: Case) -> None:
    in_case = Subject.objects.filter(case_subjects__case=case).values("pk")
    list(in_case.values("pk", "code", "kind", "name", "enterprise_number", "plate"))
    list(Link.objects.filter(source__in=in_case, target__in=in_case).values())


def run() -> None:
    built = build()
    user, cases = built["user"], built["cases"]
    small, large = cases[10], cases[200]

    # A case's network.
    queries = {
        size: count_queries(functools.partial(network_for_case, user, case))
        for size, case in cases.items()
    }
    assert queries[10] == queries[200], f"case network queries grow with the case: {queries}"
    floor = best_of(lambda: bare_case_rows(large), repeat=10)
    ours = best_of(lambda: network_for_case(user, large), repeat=10)
    network = network_for_case(user, large)
    report(
        "cases_network_case200",
        ours=ours,
        floor=floor,
        queries_case10=queries[10],
        queries_case200=queries[200],
        nodes=len(network.nodes),
        links=len(network.edges),
    )

    # Within two steps.
    low, high = companies_by_degree()
    two = {
        label: count_queries(functools.partial(within_steps, user, subject, radius=2))
        for label, subject in (("low", low), ("high", high))
    }
    assert two["low"] == two["high"], f"two-step queries grow with the degree: {two}"
    network = within_steps(user, high, radius=2)
    edge_pks = [edge.pk for edge in network.edges]
    node_pks = [node.pk for node in network.nodes]

    def bare_two_steps() -> None:
        list(Link.objects.filter(pk__in=edge_pks).values())
        list(Subject.objects.filter(pk__in=node_pks).values("pk", "code", "kind", "name"))

    floor = best_of(bare_two_steps, repeat=10)
    ours = best_of(lambda: within_steps(user, high, radius=2), repeat=10)
    report(
        "cases_within_two_steps",
        ours=ours,
        floor=floor,
        queries_low_degree=two["low"],
        queries_high_degree=two["high"],
        nodes=len(network.nodes),
        links=len(network.edges),
        drawn=network.drawn,
    )

    # What connects two subjects far apart.
    subjects = built["subjects"]
    first, second = subjects[1], subjects[-2]
    connect_queries = count_queries(lambda: what_connects(user, first, second))
    floor = best_of(lambda: list(Link.objects.values_list("source_id", "target_id")), repeat=5)
    ours = best_of(lambda: what_connects(user, first, second), repeat=5)
    network = what_connects(user, first, second)
    report(
        "cases_what_connects",
        ours=ours,
        floor=floor,
        queries=connect_queries,
        paths=len(network.paths),
        steps=len(network.paths[0]) - 1 if network.paths else 0,
    )

    # Pages through the whole stack, against a no-op page.
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    page_floor = best_of(lambda: get("/healthz"), repeat=20)
    pages: list[tuple[str, str]] = [
        ("subject_page", reverse("cases:subject-detail", args=[high.code])),
    ]
    try:
        pages.insert(0, ("case_page", reverse("cases:case", args=[large.code])))
        small_url = reverse("cases:case", args=[small.code])
    except NoReverseMatch:
        small_url = ""
    for name, url in pages:
        page = functools.partial(get, url)
        extra: dict[str, Any] = {"queries": count_queries(page)}
        if name == "case_page" and small_url:
            extra["queries_case10"] = count_queries(functools.partial(get, small_url))
            extra["queries_case200"] = extra.pop("queries")
            assert extra["queries_case10"] == extra["queries_case200"], extra
        ours = best_of(page, repeat=10)
        report(
            f"cases_{name}",
            ours=ours,
            floor=page_floor,
            bytes=len(client.get(url).content),
            **extra,
        )
