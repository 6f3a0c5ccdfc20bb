"""The network of organisations and the agreements between them, as a graph: plain Python, no database.

An agreement of two parties is one edge. A tripartite or four-party agreement
links every pair of its parties; a larger one links its lead to each of the
others, so a multilateral framework does not drown the picture in edges.
"""

from dataclasses import dataclass, field
from itertools import combinations

ALL_PAIRS_UP_TO = 4


@dataclass(frozen=True)
class PartyRow:
    agreement_id: int
    code: str
    title: str
    status: str
    organisation_id: int
    organisation: str
    country: str


@dataclass
class Node:
    id: int
    name: str
    country: str
    agreements: int = 0


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    agreement_id: int
    code: str
    title: str
    status: str


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    agreements: int = 0

    @property
    def countries(self) -> list[str]:
        return sorted({n.country for n in self.nodes})


def build(rows: list[PartyRow]) -> Graph:
    """Nodes for organisations, edges for agreements; `rows` come ordered by agreement, then party position."""
    by_agreement: dict[int, list[PartyRow]] = {}
    for row in rows:
        by_agreement.setdefault(row.agreement_id, []).append(row)
    nodes: dict[int, Node] = {}
    edges: list[Edge] = []
    for parties in by_agreement.values():
        for p in parties:
            node = nodes.setdefault(p.organisation_id, Node(p.organisation_id, p.organisation, p.country))
            node.agreements += 1
        if len(parties) <= ALL_PAIRS_UP_TO:
            pairs = list(combinations(parties, 2))
        else:
            pairs = [(parties[0], other) for other in parties[1:]]
        first = parties[0]
        edges.extend(
            Edge(a.organisation_id, b.organisation_id, first.agreement_id, first.code, first.title, first.status)
            for a, b in pairs
        )
    return Graph(nodes=sorted(nodes.values(), key=lambda n: (n.country, n.name)), edges=edges,
                 agreements=len(by_agreement))
