"""The network: everything within two steps of a subject, what connects two subjects,
a case's subjects and their links, drawn as SVG in a number of queries that does not
grow with the network."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.actions.subjects import add_subject, link, subject_for_premises
from cases.models import Case, CaseMember, CaseSubject, Link, Subject
from cases.network import network_for_case, what_connects, within_steps
from partners.models import AuditEntry, Person
from tests.base import CastTestCase
from tests.gis_factories import make_premises


def wilby(test: type[CastTestCase]) -> dict[str, Subject]:
    """One manager, three companies, four massage parlours, a resident, a stranger."""
    user = test.coordinator
    city = test.city_a
    people = {
        "manager": add_subject(municipality=city, user=user, kind="person", name="Ward Wilby"),
        "resident": add_subject(municipality=city, user=user, kind="person", name="Rita Resident"),
        "stranger": add_subject(municipality=city, user=user, kind="person", name="Stan Stranger"),
    }
    for number in (1, 2, 3):
        people[f"company{number}"] = add_subject(
            municipality=city, user=user, kind="company", name=f"Wilby Company {number}"
        )
    for number in (1, 2, 3, 4):
        premises = make_premises(city, number, name=f"Parlour {number}")
        people[f"parlour{number}"] = subject_for_premises(premises=premises, user=user)
    for number in (1, 2, 3):
        link(
            source=people["manager"],
            target=people[f"company{number}"],
            role="manager",
            valid_from=date(2018, number, 1),
            user=user,
        )
    for company, parlour in ((1, 1), (1, 2), (2, 3), (3, 4)):
        link(
            source=people[f"company{company}"],
            target=people[f"parlour{parlour}"],
            role="operator",
            user=user,
        )
    link(source=people["resident"], target=people["parlour4"], role="resident", user=user)
    return people


def names(network: object) -> set[str]:
    return {node.name for node in network.nodes}  # type: ignore[attr-defined]


class NetworkTests(CastTestCase):
    s: dict[str, Subject]

    def setUp(self) -> None:
        # The pages in English, whatever the city's language and the catalogues hold.
        self.client.cookies["django_language"] = "en"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.s = wilby(cls)

    def test_within_two_steps_of_a_company(self) -> None:
        network = within_steps(self.coordinator, self.s["company1"], radius=2)
        self.assertEqual(
            names(network),
            {
                "Wilby Company 1",
                "Ward Wilby",
                "Parlour 1",
                "Parlour 2",
                "Wilby Company 2",
                "Wilby Company 3",
            },
        )
        self.assertTrue(network.drawn)
        roles = {(edge.source.name, edge.role, edge.target.name) for edge in network.edges}
        self.assertIn(("Ward Wilby", "manager", "Wilby Company 2"), roles)
        self.assertNotIn("Parlour 3", names(network))

    def test_within_two_steps_includes_links_between_the_outer_ring(self) -> None:
        # Company 2 and Company 3 are both two steps from Company 1: a link between them
        # belongs to the ego graph.
        link(
            source=self.s["company2"],
            target=self.s["company3"],
            role="owner",
            user=self.coordinator,
        )
        network = within_steps(self.coordinator, self.s["company1"], radius=2)
        roles = {(edge.source.name, edge.role, edge.target.name) for edge in network.edges}
        self.assertIn(("Wilby Company 2", "owner", "Wilby Company 3"), roles)

    def test_what_connects_two_parlours_goes_through_the_manager(self) -> None:
        network = what_connects(self.coordinator, self.s["parlour1"], self.s["parlour4"])
        self.assertEqual(
            [[node.name for node in path] for path in network.paths],
            [["Parlour 1", "Wilby Company 1", "Ward Wilby", "Wilby Company 3", "Parlour 4"]],
        )
        self.assertEqual(
            sorted(edge.role for edge in network.edges),
            ["manager", "manager", "operator", "operator"],
        )
        periods = {edge.valid_from for edge in network.edges if edge.role == "manager"}
        self.assertEqual(periods, {date(2018, 1, 1), date(2018, 3, 1)})

    def test_nothing_connects_a_stranger(self) -> None:
        network = what_connects(self.coordinator, self.s["stranger"], self.s["parlour1"])
        self.assertEqual(network.paths, [])
        self.client.force_login(self.coordinator)
        response = self.client.get(
            reverse("cases:network-connect"),
            {"first": "Stan Stranger", "second": "Parlour 1"},
        )
        self.assertContains(response, "Nothing you may see connects Stan Stranger and Parlour 1")

    def test_connect_page_shows_the_path_with_roles(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(
            reverse("cases:network-connect"), {"first": "Parlour 2", "second": "Rita Resident"}
        )
        self.assertContains(response, "One shortest path between Parlour 2 and Rita Resident")
        self.assertContains(response, "<svg", html=False)
        for name in ("Wilby Company 1", "Ward Wilby", "Wilby Company 3", "Parlour 4"):
            self.assertContains(response, f"<title>{name}")
        self.assertEqual(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.READ, object_code=str(self.s["parlour2"].code)
            ).count(),
            1,
        )

    def test_connect_page_refuses_an_ambiguous_or_unknown_name(self) -> None:
        self.client.force_login(self.analyst)
        response = self.client.get(
            reverse("cases:network-connect"), {"first": "Wilby Company", "second": "Nobody"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Several subjects match", status_code=400)
        self.assertContains(response, "No subject matches “Nobody”", status_code=400)

    def test_subject_page_draws_each_node_of_its_two_step_network(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("cases:subject-detail", args=[self.s["company1"].code]))
        self.assertContains(response, "<svg")
        network = within_steps(self.coordinator, self.s["company1"])
        for node in network.nodes:
            self.assertContains(response, f"<title>{node.title}</title>")
        # The table alternative lists the same links.
        self.assertContains(response, "network-links")

    def test_another_citys_coordinator_cannot_connect_our_subjects(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(
            reverse("cases:network-connect"), {"first": "Parlour 1", "second": "Parlour 4"}
        )
        self.assertContains(response, "No subject matches", status_code=400)
        self.assertNotContains(response, "Ward Wilby", status_code=400)


class CaseNetworkTests(CastTestCase):
    def setUp(self) -> None:
        # The pages in English, whatever the city's language and the catalogues hold.
        self.client.cookies["django_language"] = "en"

    def make_case(self, size: int, number: str) -> Case:
        """A case of ``size`` subjects in a chain of links, the police inspector in its team."""
        case = Case.objects.create(
            municipality=self.city_a, number=number, title="Chain", phenomenon="drugs"
        )
        CaseMember.objects.create(case=case, person=Person.objects.get(user=self.police_inspector))
        subjects = Subject.objects.bulk_create(
            Subject(municipality=self.city_a, kind="person", name=f"{number} person {i}")
            for i in range(size)
        )
        CaseSubject.objects.bulk_create(CaseSubject(case=case, subject=s) for s in subjects)
        Link.objects.bulk_create(
            Link(municipality=self.city_a, source=a, target=b, role="employee")
            for a, b in zip(subjects, subjects[1:], strict=False)
        )
        return case

    def count_queries(self, function: object, *args: object) -> tuple[int, object]:
        with CaptureQueriesContext(connection) as queries:
            result = function(*args)  # type: ignore[operator]
        return len(queries), result

    def test_case_network_queries_do_not_grow_with_the_case(self) -> None:
        small = self.make_case(10, "S")
        large = self.make_case(200, "L")
        small_count, small_network = self.count_queries(
            network_for_case, self.police_inspector, small
        )
        large_count, large_network = self.count_queries(
            network_for_case, self.police_inspector, large
        )
        self.assertEqual(small_count, large_count)
        self.assertEqual(len(small_network.nodes), 10)  # type: ignore[attr-defined]
        self.assertEqual(len(large_network.edges), 199)  # type: ignore[attr-defined]
        # Too many to draw: the table still lists every link.
        self.assertFalse(large_network.drawn)  # type: ignore[attr-defined]

    def test_two_steps_queries_do_not_grow_with_the_hub(self) -> None:
        counts = []
        for size in (5, 150):
            hub = Subject.objects.create(
                municipality=self.city_a, kind="company", name=f"Hub {size}"
            )
            spokes = Subject.objects.bulk_create(
                Subject(municipality=self.city_a, kind="person", name=f"Spoke {size}-{i}")
                for i in range(size)
            )
            Link.objects.bulk_create(
                Link(municipality=self.city_a, source=spoke, target=hub, role="employee")
                for spoke in spokes
            )
            count, network = self.count_queries(within_steps, self.coordinator, hub, 2)
            self.assertEqual(len(network.nodes), size + 1)  # type: ignore[attr-defined]
            counts.append(count)
        self.assertEqual(counts[0], counts[1])

    def test_case_team_sees_only_its_case_subjects_in_the_network(self) -> None:
        case = self.make_case(3, "T")
        outside = Subject.objects.create(municipality=self.city_a, kind="person", name="Outside")
        inside = case.subjects.first()
        assert inside is not None
        Link.objects.create(municipality=self.city_a, source=outside, target=inside, role="owner")
        network = within_steps(self.police_inspector, inside, radius=2)
        self.assertNotIn("Outside", names(network))
        self.assertEqual(
            names(network_for_case(self.police_inspector, case)),
            set(case.subjects.values_list("name", flat=True)),
        )
        self.client.force_login(self.police_inspector)
        response = self.client.get(reverse("cases:subject-detail", args=[outside.code]))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("cases:subject-detail", args=[inside.code]))
        self.assertNotContains(response, "Outside")

    def test_case_page_and_subject_page_queries_do_not_grow(self) -> None:
        """The pages that draw a network: a case of 10 and of 200 subjects, a subject
        with 2 and with 150 links, each read in the same number of queries."""
        self.client.force_login(self.police_inspector)
        counts = []
        for size, number in ((10, "P10"), (200, "P200")):
            case = self.make_case(size, number)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(reverse("cases:case", args=[case.code]))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, f"{number} person 0")
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
        self.client.force_login(self.coordinator)
        counts = []
        for size in (2, 150):
            hub = Subject.objects.create(
                municipality=self.city_a, kind="company", name=f"Hub {size}"
            )
            spokes = Subject.objects.bulk_create(
                Subject(municipality=self.city_a, kind="person", name=f"Spoke {size}-{i}")
                for i in range(size)
            )
            Link.objects.bulk_create(
                Link(municipality=self.city_a, source=spoke, target=hub, role="employee")
                for spoke in spokes
            )
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(reverse("cases:subject-detail", args=[hub.code]))
            self.assertContains(response, f"Spoke {size}-1")
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
