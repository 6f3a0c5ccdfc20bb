"""The network of organisations and the agreements between them, as a graph: plain Python, no database.

An agreement of two parties links them. A tripartite or four-party agreement
links every pair of its parties; a larger one links its lead to each of the
others, so a multilateral framework does not drown the picture in edges.
Every pair of organisations is one edge, however many agreements link them:
the edge carries the count and the agreements (most recent first), so a
national picture stays a few hundred lines instead of thousands.
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
class AgreementRef:
    id: int
    code: str
    title: str
    status: str


@dataclass
class Edge:
    """Two organisations and the agreements that link them, in the order the rows came (most recent first)."""

    source: int
    target: int
    agreements: list[AgreementRef] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.agreements)


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    agreements: int = 0

    @property
    def countries(self) -> list[str]:
        return sorted({n.country for n in self.nodes})


def build(rows: list[PartyRow]) -> Graph:
    """Nodes for organisations, one edge per linked pair; `rows` come ordered by agreement (most recent first),
    then party position."""
    by_agreement: dict[int, list[PartyRow]] = {}
    for row in rows:
        by_agreement.setdefault(row.agreement_id, []).append(row)
    nodes: dict[int, Node] = {}
    edges: dict[tuple[int, int], Edge] = {}
    for parties in by_agreement.values():
        for p in parties:
            node = nodes.setdefault(p.organisation_id, Node(p.organisation_id, p.organisation, p.country))
            node.agreements += 1
        if len(parties) <= ALL_PAIRS_UP_TO:
            pairs = list(combinations(parties, 2))
        else:
            pairs = [(parties[0], other) for other in parties[1:]]
        first = parties[0]
        ref = AgreementRef(first.agreement_id, first.code, first.title, first.status)
        for a, b in pairs:
            key = (a.organisation_id, b.organisation_id)
            edge = edges.get(key) or edges.get(key[::-1])
            if edge is None:
                edge = edges[key] = Edge(a.organisation_id, b.organisation_id)
            edge.agreements.append(ref)
    return Graph(nodes=sorted(nodes.values(), key=lambda n: (n.country, n.name)), edges=list(edges.values()),
                 agreements=len(by_agreement))
