"""The dated region tree on one day, and how values add up it. Pure Python.

A merge never moves rows: the absorbed region ends (`valid_to`) and names its
successor (`merged_into`). On a day after the merge the absorbed region and its
subtree count toward the successor; before it, they count where they sit. This
is the rule of `registry.selectors.region_ids_counting_toward`, applied to the
whole tree at once so a rebuild does not walk it region by region.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RegionRow:
    id: int
    parent_id: int | None
    level: int
    valid_from: date
    valid_to: date | None
    merged_into_id: int | None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass
class TreeOnDay:
    """Which regions stand on a day, and what counts toward each."""

    day: date
    valid: list[int]  # parents before children is not guaranteed; see `order`
    children: dict[int, list[int]]  # tree children valid that day
    absorbed: dict[int, list[int]]  # regions merged into it by that day
    order: list[int]  # every region that counts somewhere, children before their parents

    @property
    def valid_set(self) -> frozenset[int]:
        cached = getattr(self, "_valid_set", None)
        if cached is None:
            cached = self._valid_set = frozenset(self.valid)
        return cached


def tree_on(rows: Iterable[RegionRow], day: date) -> TreeOnDay:
    by_id = {r.id: r for r in rows}
    kids_of: dict[int, list[int]] = {}
    for r in by_id.values():
        if r.parent_id is not None:
            kids_of.setdefault(r.parent_id, []).append(r.id)
    children: dict[int, list[int]] = {}
    absorbed: dict[int, list[int]] = {}
    for r in by_id.values():
        if r.valid_on(day):
            parent = by_id.get(r.parent_id) if r.parent_id is not None else None
            if parent is not None and parent.valid_on(day):
                children.setdefault(parent.id, []).append(r.id)
        elif r.merged_into_id is not None and r.valid_to is not None and r.valid_from <= r.valid_to <= day:
            absorbed.setdefault(r.merged_into_id, []).append(r.id)
            # The absorbed region brings the subtree it had when it ended.
            kids = [k for k in kids_of.get(r.id, ()) if by_id[k].valid_from <= day and not _merged_elsewhere(by_id[k], day)]
            if kids:
                children[r.id] = kids
    valid = sorted(r.id for r in by_id.values() if r.valid_on(day))
    order: list[int] = []
    seen: set[int] = set()

    def visit(node: int) -> None:
        stack = [(node, False)]
        while stack:
            current, done = stack.pop()
            if done:
                order.append(current)
                continue
            if current in seen:
                continue
            seen.add(current)
            stack.append((current, True))
            stack.extend((c, False) for c in children.get(current, []) + absorbed.get(current, []) if c not in seen)

    for rid in valid:
        visit(rid)
    return TreeOnDay(day=day, valid=valid, children=children, absorbed=absorbed, order=order)


def _merged_elsewhere(row: RegionRow, day: date) -> bool:
    return row.merged_into_id is not None and row.valid_to is not None and row.valid_to <= day


def add_up(tree: TreeOnDay, own: Mapping[int, float]) -> dict[int, float]:
    """Counts and sums: a region holds its own rows plus everything that counts toward it."""
    total: dict[int, float] = {}
    for rid in tree.order:
        value = own.get(rid)
        for child in tree.children.get(rid, []) + tree.absorbed.get(rid, []):
            if child in total:
                value = (value or 0) + total[child]
        if value is not None:
            total[rid] = value
    valid = tree.valid_set
    return {rid: v for rid, v in total.items() if rid in valid}


def nearest_recorded(tree: TreeOnDay, own: Mapping[int, float]) -> dict[int, float]:
    """Figures recorded at several levels (population, data values).

    A region's own figure wins over the sum of its sub-regions (a district total
    and its communes' figures are not added together); regions merged into it
    are added, since its own figure is of the area it had before the merge.
    """
    total: dict[int, float] = {}
    for rid in tree.order:
        if rid in own:
            value: float | None = own[rid]
        else:
            parts = [total[c] for c in tree.children.get(rid, []) if c in total]
            value = sum(parts) if parts else None
        merged = [total[c] for c in tree.absorbed.get(rid, []) if c in total]
        if merged:
            value = (value or 0) + sum(merged)
        if value is not None:
            total[rid] = value
    valid = tree.valid_set
    return {rid: v for rid, v in total.items() if rid in valid}
