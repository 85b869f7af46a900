"""The one matching core: one-to-one assignment of predicted to gold items.

Every layer reduces its matching to the same question: given candidate pairs
(gold index, pred index) with a positive weight, choose pairs so that no item
is used twice and the total weight is maximal.  Mentions, actors, quotes,
targets and stance pairs all call `assign`; only the weights differ.

Layers that rank pairs on several criteria (first the number of exact
matches, then the number of any matches, then similarity) encode them with
`tiered`, so a single maximum-weight assignment optimises them in order.

Most documents give a trivial graph: each gold item overlaps at most one
prediction.  `assign` splits the candidate graph into connected components
and solves a component with the Hungarian method (scipy's
`linear_sum_assignment`) only when both of its sides have two or more items;
a single edge is taken as it is, and a star (one item facing several) takes
its heaviest edge — both provably optimal, and much cheaper than scipy.

Ties are broken deterministically: among equal stars the lowest index wins,
and scipy sees rows and columns in index order.  Callers number items in a
canonical document order (by offsets), so the result does not depend on the
order of the annotations in the file.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

Edge = tuple[int, int, float]  # (gold index, pred index, weight > 0)
Pair = tuple[int, int]


def tiered(*levels: float, bound: float) -> float:
    """Fold criteria, most important first, into one weight (a number in base ``bound + 1``).

    Every level must lie in [0, 1] and `bound` must be at least the number of
    pairs any matching can hold (callers pass the number of candidate pairs):
    then the lower tiers summed over a whole matching stay below one unit of
    the tier above, so the maximum-weight matching maximises the first level,
    then the second among those, and so on.
    """
    weight = 0.0
    base = bound + 1.0
    for level in levels:
        weight = weight * base + level
    return weight


def assign(edges: Sequence[Edge], method: str = "optimal") -> list[Pair]:
    """Pairs (gold, pred), each index used at most once, of maximal total weight (sorted)."""
    if not edges:
        return []
    if method == "greedy":
        return _greedy(edges)
    lefts = {l for l, _, _ in edges}
    rights = {r for _, r, _ in edges}
    if len(lefts) == len(edges) == len(rights):
        # Already one-to-one: every edge is its own component.
        return sorted((l, r) for l, r, _ in edges)
    out: list[Pair] = []
    for component in _components(edges):
        out.extend(_solve_component(component))
    return sorted(out)


def _greedy(edges: Sequence[Edge]) -> list[Pair]:
    used_l: set[int] = set()
    used_r: set[int] = set()
    out = []
    for l, r, _ in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        if l not in used_l and r not in used_r:
            used_l.add(l)
            used_r.add(r)
            out.append((l, r))
    return sorted(out)


def _components(edges: Sequence[Edge]) -> list[list[Edge]]:
    """Connected components of the bipartite candidate graph (union-find)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for l, r, _ in edges:
        a, b = find((0, l)), find((1, r))
        if a != b:
            parent[a] = b
    groups: dict[tuple[int, int], list[Edge]] = {}
    for edge in edges:
        groups.setdefault(find((0, edge[0])), []).append(edge)
    return list(groups.values())


def _solve_component(edges: list[Edge]) -> list[Pair]:
    if len(edges) == 1:
        return [(edges[0][0], edges[0][1])]
    lefts = sorted({l for l, _, _ in edges})
    rights = sorted({r for _, r, _ in edges})
    if len(lefts) == 1 or len(rights) == 1:
        # A star: only one pair can be chosen, so the heaviest is optimal.
        l, r, _ = min(edges, key=lambda e: (-e[2], e[0], e[1]))
        return [(l, r)]
    row = {l: i for i, l in enumerate(lefts)}
    col = {r: j for j, r in enumerate(rights)}
    weights = np.zeros((len(lefts), len(rights)))
    for l, r, w in edges:
        weights[row[l], col[r]] = w
    rows, cols = linear_sum_assignment(weights, maximize=True)
    # Cells that are not candidate pairs have weight 0 and are dropped.
    return [(lefts[i], rights[j]) for i, j in zip(rows.tolist(), cols.tolist()) if weights[i, j] > 0]
