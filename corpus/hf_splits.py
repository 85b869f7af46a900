"""Which split each document of a published corpus goes to.

A corpus whose documents all name their split in ``meta.split`` is published
with those splits.  Otherwise documents are assigned whole (never a paragraph
here and a paragraph there, so no article leaks across splits) by a seeded
shuffle: the ids are sorted first, so the assignment depends only on the set of
ids, the ratios and the seed, not on the order of the input file.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from typing import Iterable

from .model import Document

SPLIT_NAME = re.compile(r"^\w+(\.\w+)*$")
"""The split names `datasets` accepts (its ``_split_re``): word characters, dot-separated."""

PREFERRED_ORDER: tuple[str, ...] = ("train", "validation", "test")
DEFAULT_RATIOS: dict[str, float] = {"train": 0.8, "validation": 0.1, "test": 0.1}
DEFAULT_SEED = 13


class SplitError(ValueError):
    """The requested split cannot be made (bad ratios, bad split names, missing meta.split)."""


@dataclass
class SplitPlan:
    """The documents of each split, in input order, and how they were assigned."""

    method: str  # "meta" (from meta.split) or "seed" (seeded document-level shuffle)
    splits: dict[str, list[Document]] = field(default_factory=dict)
    ratios: dict[str, float] | None = None
    seed: int | None = None
    documents_with_meta_split: int = 0
    documents: int = 0

    @property
    def sizes(self) -> dict[str, int]:
        return {name: len(docs) for name, docs in self.splits.items()}


def parse_ratios(text: str) -> dict[str, float]:
    """``train=0.8,validation=0.1,test=0.1``, or bare numbers for train, validation, test in that order."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise SplitError("no split ratios given")
    ratios: dict[str, float] = {}
    for index, part in enumerate(parts):
        if "=" in part:
            name, _, number = part.partition("=")
            name = name.strip()
        elif index < len(PREFERRED_ORDER) and not any("=" in p for p in parts):
            name, number = PREFERRED_ORDER[index], part
        else:
            raise SplitError(f"cannot read split ratio {part!r}: write NAME=RATIO, e.g. train=0.8")
        if not SPLIT_NAME.match(name):
            raise SplitError(f"{name!r} is not a valid split name (letters, digits, underscores, dots)")
        if name in ratios:
            raise SplitError(f"split {name!r} is given twice")
        try:
            value = float(number)
        except ValueError:
            raise SplitError(f"ratio {number.strip()!r} of split {name!r} is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise SplitError(f"ratio of split {name!r} must be a non-negative number, got {number.strip()!r}")
        ratios[name] = value
    total = sum(ratios.values())
    if total <= 0:
        raise SplitError("the split ratios add up to zero")
    # Ratios are relative weights: 8,1,1 means the same as 0.8,0.1,0.1.
    return {name: value / total for name, value in ratios.items()}


def order_splits(names: Iterable[str]) -> list[str]:
    """train, validation, test first, then any other split alphabetically."""
    unique = set(names)
    return [n for n in PREFERRED_ORDER if n in unique] + sorted(unique - set(PREFERRED_ORDER))


def allocate(count: int, ratios: dict[str, float]) -> dict[str, int]:
    """Split `count` items by `ratios` with the largest-remainder method (sizes add up exactly)."""
    quotas = {name: count * ratio for name, ratio in ratios.items()}
    sizes = {name: math.floor(q) for name, q in quotas.items()}
    left = count - sum(sizes.values())
    declared = list(ratios)
    by_remainder = sorted(declared, key=lambda n: (-(quotas[n] - sizes[n]), declared.index(n)))
    for name in by_remainder[:left]:
        sizes[name] += 1
    return sizes


def plan_splits(
    documents: list[Document],
    *,
    split_by: str = "auto",
    ratios: dict[str, float] | None = None,
    seed: int = DEFAULT_SEED,
) -> SplitPlan:
    """Assign every document to a split; empty splits are left out.

    `split_by` is ``"meta"`` (every document must have ``meta.split``),
    ``"seed"`` (ignore ``meta.split``), or ``"auto"``: meta when every document
    has a split, else seed.
    """
    with_split = [d for d in documents if isinstance(d.meta.get("split"), str) and d.meta["split"]]
    method = split_by
    if split_by == "auto":
        method = "meta" if documents and len(with_split) == len(documents) else "seed"
    plan = SplitPlan(method=method, documents_with_meta_split=len(with_split), documents=len(documents))

    if method == "meta":
        having = {d.id for d in with_split}
        missing = [d.id for d in documents if d.id not in having]
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise SplitError(f"{len(missing)} document(s) have no meta.split: {shown}")
        bad = sorted({d.meta["split"] for d in documents if not SPLIT_NAME.match(d.meta["split"])})
        if bad:
            raise SplitError(
                "meta.split value(s) " + ", ".join(map(repr, bad)) + " are not valid split names for datasets "
                "(letters, digits, underscores, dots); rename them or use --split-by seed"
            )
        groups: dict[str, list[Document]] = {}
        for doc in documents:
            groups.setdefault(doc.meta["split"], []).append(doc)
        plan.splits = {name: groups[name] for name in order_splits(groups)}
        return plan

    if method != "seed":
        raise SplitError(f"unknown split method {split_by!r}")
    ratios = dict(ratios or DEFAULT_RATIOS)
    plan.ratios, plan.seed = ratios, seed
    position = {d.id: i for i, d in enumerate(documents)}
    shuffled = sorted(position)
    random.Random(seed).shuffle(shuffled)
    assigned: dict[str, str] = {}
    start = 0
    for name, size in allocate(len(shuffled), ratios).items():
        for doc_id in shuffled[start : start + size]:
            assigned[doc_id] = name
        start += size
    groups = {}
    for doc in documents:  # input order within each split
        groups.setdefault(assigned[doc.id], []).append(doc)
    plan.splits = {name: groups[name] for name in order_splits(groups)}
    return plan
