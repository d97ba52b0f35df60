"""The network of subjects and links, as the reader may see it: a case's subjects,
everything within two steps of a subject, and what connects two subjects.

Graphs are built from the database in a fixed number of queries whatever their size
(the benchmark in bench/bench_cases.py holds us to it) and drawn on the server as SVG:
the layout comes from networkx with a fixed seed, so the same network is drawn the same
way every time and no JavaScript library is needed. Each node carries a <title> and the
page lists the links in a table, for people who do not see the drawing.

Only subjects the reader may see (``visible_subjects``) and links between two of them
ever enter a graph: a link to a subject outside the reader's view is not hinted at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

import networkx as nx
from django.db.models import Q, QuerySet
from django.urls import reverse

from cases.access import can_use_register, visible_subjects
from cases.models import Case, Link, Subject
from partners.access import visible_municipalities

# Past this many subjects a drawing is unreadable: the table still lists every link.
MAX_DRAWN = 120
MAX_PATHS = 10
WIDTH, HEIGHT, MARGIN = 860.0, 560.0, 70.0
LAYOUT_SEED = 13
LABEL_LENGTH = 26

NODE_FIELDS = ("pk", "code", "kind", "name", "enterprise_number", "plate")
LINK_FIELDS = ("pk", "source_id", "target_id", "role", "valid_from", "valid_to")


@dataclass
class Node:
    pk: int
    code: Any
    kind: str
    name: str
    number: str = ""
    x: float = 0.0
    y: float = 0.0
    marked: bool = False

    @property
    def url(self) -> str:
        return reverse("cases:subject-detail", args=[self.code])

    @property
    def label(self) -> str:
        if len(self.name) <= LABEL_LENGTH:
            return self.name
        return self.name[: LABEL_LENGTH - 1] + "…"

    @property
    def kind_label(self) -> str:
        return str(Subject.Kind(self.kind).label)

    @property
    def title(self) -> str:
        parts = [self.name, self.kind_label, self.number]
        return " — ".join(part for part in parts if part)

    @property
    def box_x(self) -> float:
        return self.x - 14

    @property
    def box_y(self) -> float:
        return self.y - 11

    @property
    def label_y(self) -> float:
        return self.y + 28

    @property
    def points(self) -> str:
        """The outline of a premises (a house) or a vehicle (a diamond) around (x, y)."""
        x, y = self.x, self.y
        if self.kind == Subject.Kind.PREMISES:
            corners = [(-13, -2), (0, -15), (13, -2), (13, 12), (-13, 12)]
        else:
            corners = [(0, -14), (14, 0), (0, 14), (-14, 0)]
        return " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in corners)


@dataclass
class Edge:
    pk: int
    source: Node
    target: Node
    role: str
    valid_from: date | None
    valid_to: date | None
    marked: bool = False

    @property
    def role_label(self) -> str:
        return str(Link.Role(self.role).label)

    @property
    def mid_x(self) -> float:
        return (self.source.x + self.target.x) / 2

    @property
    def mid_y(self) -> float:
        return (self.source.y + self.target.y) / 2


@dataclass
class Network:
    """What a page shows: the nodes placed on the drawing and the links for the table."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    paths: list[list[Node]] = field(default_factory=list)
    drawn: bool = True
    width: float = WIDTH
    height: float = HEIGHT

    @property
    def too_big(self) -> bool:
        return not self.drawn

    def names(self) -> list[str]:
        return [node.name for node in self.nodes]


def _nodes(subjects: QuerySet[Subject]) -> dict[int, Node]:
    return {
        row["pk"]: Node(
            pk=row["pk"],
            code=row["code"],
            kind=row["kind"],
            name=row["name"],
            number=row["enterprise_number"] or row["plate"],
        )
        for row in subjects.values(*NODE_FIELDS)
    }


def _edges(rows: Iterable[dict[str, Any]], nodes: dict[int, Node]) -> list[Edge]:
    return [
        Edge(
            pk=row["pk"],
            source=nodes[row["source_id"]],
            target=nodes[row["target_id"]],
            role=row["role"],
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
        )
        for row in rows
        if row["source_id"] in nodes and row["target_id"] in nodes
    ]


def _graph(nodes: Iterable[int], edges: Iterable[tuple[int, int]]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def layout(network: Network) -> Network:
    """Place the nodes with a seeded spring layout, scaled into the drawing's box.

    Each connected group is laid out on its own, side by side, with a width in proportion
    to its size; subjects linked to nothing shown stand in a row along the bottom. Laid
    out together, a few unlinked subjects push every linked one into a corner."""
    network.drawn = 0 < len(network.nodes) <= MAX_DRAWN
    if not network.drawn:
        return network
    # Added in name order so that the same network always gets the same layout.
    ordered = sorted(network.nodes, key=lambda node: (node.name, node.pk))
    by_pk = {node.pk: node for node in ordered}
    graph = _graph(
        (node.pk for node in ordered), ((edge.source.pk, edge.target.pk) for edge in network.edges)
    )
    groups = sorted(
        (
            sorted(group, key=lambda pk: (by_pk[pk].name, pk))
            for group in nx.connected_components(graph)
        ),
        key=lambda group: (-len(group), by_pk[group[0]].name),
    )
    linked = [group for group in groups if len(group) > 1]
    alone = [by_pk[group[0]] for group in groups if len(group) == 1]
    bottom = HEIGHT - MARGIN / 2 if linked else HEIGHT / 2
    top_height = (HEIGHT - 1.5 * MARGIN - (MARGIN if alone else 0)) if linked else 0
    left = float(MARGIN)
    total = sum(len(group) for group in linked)
    for group in linked:
        width = (WIDTH - 2 * MARGIN) * len(group) / total
        place_group(graph.subgraph(group), by_pk, left, MARGIN / 2, width, top_height)
        left += width
    for index, node in enumerate(alone):
        node.x = MARGIN + (index + 0.5) * (WIDTH - 2 * MARGIN) / len(alone)
        node.y = bottom
    return network


def place_group(
    graph: nx.Graph, by_pk: dict[int, Node], left: float, top: float, width: float, height: float
) -> None:
    """Lay one connected group out in the box (left, top, width, height)."""
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED)
    pks = list(graph.nodes)
    xs = [float(positions[pk][0]) for pk in pks]
    ys = [float(positions[pk][1]) for pk in pks]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    # A narrow group keeps some room on both sides for its labels.
    inset = min(width * 0.15, MARGIN)
    for pk, x, y in zip(pks, xs, ys, strict=True):
        by_pk[pk].x = left + inset + (x - min(xs)) / span_x * max(width - 2 * inset, 1.0)
        by_pk[pk].y = top + (y - min(ys)) / span_y * height


def _visible_links(user: Any) -> QuerySet[Link]:
    """Links between two subjects the reader may see. A link never crosses two cities'
    registers, so the register's readers are filtered by the link's own city (one
    index), not by a subquery per end, which SQLite plans badly on 50,000 links."""
    if can_use_register(user):
        return Link.objects.filter(municipality__in=visible_municipalities(user))
    visible = visible_subjects(user).values("pk")
    return Link.objects.filter(source__in=visible, target__in=visible)


def network_for_case(user: Any, case: Case) -> Network:
    """The case's subjects that the reader may see and the links between them. Two
    queries, whatever the size of the case."""
    subjects = visible_subjects(user).filter(case_subjects__case=case)
    nodes = _nodes(subjects)
    in_case = Subject.objects.filter(case_subjects__case=case).values("pk")
    rows = Link.objects.filter(source__in=in_case, target__in=in_case).values(*LINK_FIELDS)
    return layout(Network(nodes=list(nodes.values()), edges=_edges(rows, nodes)))


def _touching(links: QuerySet[Link], ids: set[int]) -> list[dict[str, Any]]:
    return list(links.filter(Q(source_id__in=ids) | Q(target_id__in=ids)).values(*LINK_FIELDS))


def within_steps(user: Any, subject: Subject, radius: int = 2) -> Network:
    """Everything within ``radius`` steps of ``subject`` (networkx's ego graph): one
    query per step, one for the links among the outermost ring, one for the names."""
    links = _visible_links(user)
    reached, frontier = {subject.pk}, {subject.pk}
    rows: dict[int, dict[str, Any]] = {}
    for _step in range(radius):
        found = _touching(links, frontier)
        rows.update((row["pk"], row) for row in found)
        ends = {row["source_id"] for row in found} | {row["target_id"] for row in found}
        frontier = ends - reached
        reached |= ends
    # The ego graph also holds the links between two subjects of the outermost ring.
    if frontier:
        outer = links.filter(source_id__in=frontier, target_id__in=frontier)
        rows.update((row["pk"], row) for row in outer.values(*LINK_FIELDS))
    graph = _graph(reached, ((row["source_id"], row["target_id"]) for row in rows.values()))
    kept = set(nx.ego_graph(graph, subject.pk, radius=radius).nodes)
    nodes = _nodes(visible_subjects(user).filter(pk__in=kept))
    if subject.pk in nodes:
        nodes[subject.pk].marked = True
    return layout(Network(nodes=list(nodes.values()), edges=_edges(rows.values(), nodes)))


def what_connects(user: Any, first: Subject, second: Subject) -> Network:
    """The shortest paths between two subjects through the links the reader may see,
    with every link along them (its role and period). No path: an empty network."""
    pairs = list(_visible_links(user).values_list("source_id", "target_id"))
    graph = _graph((first.pk, second.pk), pairs)
    try:
        paths = list(islice(nx.all_shortest_paths(graph, first.pk, second.pk), MAX_PATHS))
    except nx.NetworkXNoPath:
        return Network(drawn=False)
    on_path = {pk for path in paths for pk in path}
    steps = {frozenset(pair) for path in paths for pair in zip(path, path[1:], strict=False)}
    nodes = _nodes(visible_subjects(user).filter(pk__in=on_path))
    rows = _visible_links(user).filter(source_id__in=on_path, target_id__in=on_path)
    edges = [
        edge
        for edge in _edges(rows.values(*LINK_FIELDS), nodes)
        if frozenset((edge.source.pk, edge.target.pk)) in steps
    ]
    for edge in edges:
        edge.marked = True
    for pk in (first.pk, second.pk):
        if pk in nodes:
            nodes[pk].marked = True
    network = Network(nodes=list(nodes.values()), edges=edges)
    network.paths = [[nodes[pk] for pk in path if pk in nodes] for path in paths]
    return layout(network)
