"""Scores computed from statistics rows: one definition per figure, vectorised over rows.

A figure is a function from summed statistics to numbers.  The same
function gives the micro average (applied to the column sums), the macro
average (applied to each document's row, then averaged), the bootstrap
distribution (applied to resampled sums) and the significance tests.

Conventions (see eval/README.md):
- P = tp / predicted, R = tp / gold, F = 2PR / (P + R).  When a figure has
  neither gold nor predicted items it is undefined (None / NaN), not 0 or 1;
  when only one side is empty the other ratio is 0 (as spaCy and sklearn's
  ``zero_division=0``).
- Accuracies are undefined when nothing was matched.
- Polarity macro-F is the mean of F(support) and F(oppose) over the matched
  stance pairs (SemEval-2016 Task 6); a class absent from both gold and
  predicted labels of the pairs is left out of the mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ..corpus.model import ACTOR_TYPES, POLARITIES
from .align import SCHEMES
from .stats import StatLayout


def prf(tp: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 arrays with the conventions above (NaN where undefined)."""
    tp, predicted, gold = (np.asarray(x, dtype=np.float64) for x in (tp, predicted, gold))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(predicted > 0, tp / np.where(predicted > 0, predicted, 1), 0.0)
        r = np.where(gold > 0, tp / np.where(gold > 0, gold, 1), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    undefined = (predicted <= 0) & (gold <= 0)
    return (np.where(undefined, np.nan, p), np.where(undefined, np.nan, r), np.where(undefined, np.nan, f))


class PRFScore:
    """A tiny accumulator of true positives, false positives and false negatives (as spaCy's)."""

    __slots__ = ("tp", "fp", "fn")

    def __init__(self, tp: float = 0, fp: float = 0, fn: float = 0):
        self.tp, self.fp, self.fn = tp, fp, fn

    def score_set(self, cand: set, gold: set) -> None:
        self.tp += len(cand & gold)
        self.fp += len(cand - gold)
        self.fn += len(gold - cand)

    def __add__(self, other: "PRFScore") -> "PRFScore":
        return PRFScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def __iadd__(self, other: "PRFScore") -> "PRFScore":
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        return self

    def _prf(self) -> tuple[float | None, float | None, float | None]:
        p, r, f = prf(np.array([self.tp]), np.array([self.tp + self.fp]), np.array([self.tp + self.fn]))
        return tuple(None if np.isnan(x[0]) else float(x[0]) for x in (p, r, f))  # type: ignore[return-value]

    @property
    def precision(self) -> float | None:
        return self._prf()[0]

    @property
    def recall(self) -> float | None:
        return self._prf()[1]

    @property
    def fscore(self) -> float | None:
        return self._prf()[2]


@dataclass(frozen=True)
class FigureSpec:
    """One reported figure and the statistics columns it is computed from.

    kind "prf": precision/recall/F1 with tp = Σ weight·column over `tp`;
    kind "ratio": value = Σ`tp` columns / `gold` column (an accuracy);
    kind "macro_f": polarity macro-F from the confusion columns.
    """

    name: str
    kind: str
    tp: tuple[tuple[int, float], ...] = ()
    predicted: int = -1
    gold: int = -1
    classes: tuple[int, ...] = ()  # macro_f: indices of the averaged classes in POLARITIES
    confusion: int = -1  # macro_f: first confusion column
    per_type: bool = False

    @property
    def columns(self) -> set[int]:
        cols = {c for c, _ in self.tp} | {c for c in (self.predicted, self.gold) if c >= 0}
        if self.kind == "macro_f":
            n = len(POLARITIES)
            cols |= set(range(self.confusion, self.confusion + n * n))
        return cols

    def compute(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The figure for each row of `rows` (N × columns); NaN where undefined."""
        rows = np.atleast_2d(rows)
        if self.kind == "prf":
            tp = sum(rows[:, c] * w for c, w in self.tp)
            p, r, f = prf(tp, rows[:, self.predicted], rows[:, self.gold])
            return {"precision": p, "recall": r, "f1": f}
        if self.kind == "ratio":
            num = sum(rows[:, c] for c, _ in self.tp)
            den = rows[:, self.gold]
            with np.errstate(divide="ignore", invalid="ignore"):
                return {"value": np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)}
        n = len(POLARITIES)
        conf = rows[:, self.confusion : self.confusion + n * n].reshape(-1, n, n)  # [doc, gold, pred]
        fs = []
        present = []
        for k in self.classes:
            tp = conf[:, k, k]
            p, r, f = prf(tp, conf[:, :, k].sum(axis=1), conf[:, k, :].sum(axis=1))
            fs.append(np.nan_to_num(f, nan=0.0))
            present.append(~np.isnan(f))
        fs_a, present_a = np.array(fs), np.array(present)
        count = present_a.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(count > 0, (fs_a * present_a).sum(axis=0) / np.where(count > 0, count, 1), np.nan)
        return {"value": value}


HEADLINE = {
    "actors": "mentions.strict",
    "actor_entities": "actor_entities",
    "quotes": "quotes.attribution",
    "stances": "stances",
}
"""The four headline figures and the figure each one is."""


def figure_specs(layout: StatLayout) -> list[FigureSpec]:
    """Every figure of a report, in display order."""
    ix = layout.index
    specs: list[FigureSpec] = []
    half = {"partial": 0.5, "type": 0.5}  # nervaluate: partial credit counts half in these schemes
    for scheme in SCHEMES:
        tp = ((ix[f"m.{scheme}.cor"], 1.0), (ix[f"m.{scheme}.par"], half.get(scheme, 0.0)))
        specs.append(FigureSpec(f"mentions.{scheme}", "prf", tp, ix["m.pred"], ix["m.gold"]))
    for t in ACTOR_TYPES:
        for scheme in SCHEMES:
            tp = ((ix[f"m[{t}].{scheme}.cor"], 1.0), (ix[f"m[{t}].{scheme}.par"], half.get(scheme, 0.0)))
            specs.append(FigureSpec(f"mentions.{scheme}[{t}]", "prf", tp, ix[f"m[{t}].pred"], ix[f"m[{t}].gold"], per_type=True))
    specs.append(FigureSpec("actor_entities", "prf", ((ix["e.phi"], 1.0),), ix["e.pred"], ix["e.gold"]))
    for name in layout.criteria:
        specs.append(FigureSpec(f"quotes.{name}", "prf", ((ix[f"q.{name}.tp"], 1.0),), ix["q.pred"], ix["q.gold"]))
    specs.append(FigureSpec("quotes.tokens", "prf", ((ix["q.tok.tp"], 1.0),), ix["q.tok.pred"], ix["q.tok.gold"]))
    specs.append(FigureSpec("quotes.cue", "prf", ((ix["q.cue.tp"], 1.0),), ix["q.cue.pred"], ix["q.cue.gold"]))
    specs.append(FigureSpec("quotes.attribution", "prf", ((ix["q.attr.tp"], 1.0),), ix["q.pred"], ix["q.gold"]))
    specs.append(
        FigureSpec("quotes.type_accuracy", "ratio", ((ix["q.type.correct"], 1.0),), gold=ix[f"q.{layout.config.match}.tp"])
    )
    specs.append(FigureSpec("stances", "prf", ((ix["s.tp"], 1.0),), ix["s.pred"], ix["s.gold"]))
    conf = ix[f"s.conf.{POLARITIES[0]}.{POLARITIES[0]}"]
    n = len(POLARITIES)
    diag = tuple((conf + k * n + k, 1.0) for k in range(n))
    specs.append(FigureSpec("stances.polarity_accuracy", "ratio", diag, gold=ix["s.pairs"]))
    classes = tuple(POLARITIES.index(c) for c in ("support", "oppose"))
    specs.append(FigureSpec("stances.polarity_macro_f", "macro_f", classes=classes, confusion=conf))
    return specs


def bootstrap_columns(specs: Iterable[FigureSpec]) -> list[int]:
    """Columns needed by the figures that get confidence intervals (all but per-type ones)."""
    cols: set[int] = set()
    for spec in specs:
        if not spec.per_type:
            cols |= spec.columns
    return sorted(cols)


def remap(spec: FigureSpec, columns: Sequence[int]) -> FigureSpec:
    """The same figure over a matrix holding only `columns` (in that order)."""
    pos = {c: i for i, c in enumerate(columns)}
    return FigureSpec(
        spec.name,
        spec.kind,
        tuple((pos[c], w) for c, w in spec.tp),
        pos.get(spec.predicted, -1),
        pos.get(spec.gold, -1),
        spec.classes,
        pos.get(spec.confusion, -1),
        spec.per_type,
    )
