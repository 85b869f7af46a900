"""Resampling over documents: bootstrap intervals, paired bootstrap and approximate randomisation.

All three work on per-document statistics rows (`stats`) and any
`FigureSpec`, so one routine serves every figure.  A resample is expressed as
how many times each document is drawn; the resampled column sums are then a
matrix product (draw counts × statistics), computed in batches so that
memory stays bounded: 1,000 resamples of 10,000 documents is one second of
numpy, not a Python loop.

- Bootstrap confidence interval (Efron; percentile method): draw N documents
  with replacement, recompute the figure, take the (1-c)/2 and (1+c)/2
  quantiles over the resamples.
- Paired bootstrap (Koehn 2004): resample documents once for both systems;
  δ = F(A) - F(B).  The p-value is the share of resamples in which the
  system that wins on the full test set does not win (δ_b on the other side
  of 0, or equal), with add-one smoothing: (k + 1) / (n + 1).
- Approximate randomisation (Noreen 1989; Riezler & Maxwell 2005): swap the
  two systems' statistics for each document with probability ½; the p-value
  is (k + 1) / (n + 1) where k counts trials with |δ_r| >= |δ|.

Everything is seeded (`numpy.random.default_rng(seed)`), so runs repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from .metrics import FigureSpec
from .stats import StatRows, row_chunks

BATCH_CELLS = 1_000_000  # draw counts per batch: bounds the draws and counts at ~16 MB together


def main_value(spec: FigureSpec, values: dict[str, np.ndarray]) -> np.ndarray:
    """The figure's single number: F1 for P/R/F figures, the value otherwise."""
    return values["f1"] if "f1" in values else values["value"]


def resampled_sums(stats: np.ndarray | StatRows, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Batches of column sums of bootstrap resamples of the rows of `stats` (documents).

    `stats` is an array or a `StatRows` file; the draws are the same either
    way, and a file is read in chunks, so memory stays at one batch of draw
    counts plus one chunk of rows.
    """
    n, columns = stats.shape
    rng = np.random.default_rng(seed)
    batch = max(1, min(resamples, BATCH_CELLS // max(n, 1)))
    done = 0
    while done < resamples:
        b = min(batch, resamples - done)
        draws = rng.integers(0, n, size=(b, n), dtype=np.int64)
        draws += (np.arange(b, dtype=np.int64) * n)[:, None]
        counts = np.bincount(draws.ravel(), minlength=b * n).reshape(b, n).astype(np.float32)
        del draws
        sums = np.zeros((b, columns))
        for start, rows in row_chunks(stats):
            sums += counts[:, start : start + rows.shape[0]] @ rows
        yield sums
        done += b


def bootstrap_intervals(
    stats: np.ndarray | StatRows, specs: Sequence[FigureSpec], resamples: int, seed: int, confidence: float = 0.95
) -> dict[str, dict[str, tuple[float, float] | None]]:
    """Percentile intervals of every measure of every figure (figure name -> measure -> (lo, hi))."""
    if resamples <= 0 or len(stats) == 0:
        return {}
    samples: dict[str, dict[str, list[np.ndarray]]] = {s.name: {} for s in specs}
    for sums in resampled_sums(stats, resamples, seed):
        for spec in specs:
            for measure, values in spec.compute(sums).items():
                samples[spec.name].setdefault(measure, []).append(values)
    lo_q, hi_q = 100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2
    out: dict[str, dict[str, tuple[float, float] | None]] = {}
    for name, measures in samples.items():
        out[name] = {}
        for measure, chunks in measures.items():
            values = np.concatenate(chunks)
            values = values[~np.isnan(values)]
            out[name][measure] = (
                (float(np.percentile(values, lo_q)), float(np.percentile(values, hi_q))) if values.size else None
            )
    return out


@dataclass(frozen=True)
class Comparison:
    """A vs B on one figure."""

    figure: str
    a: float | None
    b: float | None
    delta: float | None
    delta_ci: tuple[float, float] | None
    p_bootstrap: float | None
    p_randomization: float | None

    def to_dict(self) -> dict:
        return {
            "figure": self.figure,
            "a": self.a,
            "b": self.b,
            "delta": self.delta,
            "delta_ci": list(self.delta_ci) if self.delta_ci else None,
            "p_bootstrap": self.p_bootstrap,
            "p_randomization": self.p_randomization,
        }


def _observed(stats: np.ndarray, spec: FigureSpec) -> float | None:
    value = main_value(spec, spec.compute(stats.sum(axis=0, dtype=np.float64)[None, :]))[0]
    return None if np.isnan(value) else float(value)


def paired_bootstrap(
    stats_a: np.ndarray, stats_b: np.ndarray, specs: Sequence[FigureSpec], resamples: int, seed: int, confidence: float = 0.95
) -> dict[str, tuple[float | None, tuple[float, float] | None]]:
    """Figure name -> (p-value, interval of δ = A - B) from one shared set of document resamples."""
    if stats_a.shape != stats_b.shape:
        raise ValueError("paired statistics must have the same shape (same documents, same columns)")
    k = stats_a.shape[1]
    deltas: dict[str, list[np.ndarray]] = {s.name: [] for s in specs}
    for sums in resampled_sums(np.hstack([stats_a, stats_b]), resamples, seed):
        for spec in specs:
            da = main_value(spec, spec.compute(sums[:, :k]))
            db = main_value(spec, spec.compute(sums[:, k:]))
            deltas[spec.name].append(da - db)
    out: dict[str, tuple[float | None, tuple[float, float] | None]] = {}
    lo_q, hi_q = 100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2
    for spec in specs:
        a, b = _observed(stats_a, spec), _observed(stats_b, spec)
        d = np.concatenate(deltas[spec.name]) if deltas[spec.name] else np.array([])
        d = d[~np.isnan(d)]
        if a is None or b is None or d.size == 0:
            out[spec.name] = (None, None)
            continue
        observed = a - b
        if observed > 0:
            k_not = int((d <= 0).sum())
        elif observed < 0:
            k_not = int((d >= 0).sum())
        else:
            k_not = d.size
        p = (k_not + 1) / (d.size + 1)
        out[spec.name] = (p, (float(np.percentile(d, lo_q)), float(np.percentile(d, hi_q))))
    return out


def approximate_randomization(
    stats_a: np.ndarray, stats_b: np.ndarray, specs: Sequence[FigureSpec], trials: int, seed: int
) -> dict[str, float | None]:
    """Figure name -> two-sided p-value of the difference under random swapping of documents."""
    if stats_a.shape != stats_b.shape:
        raise ValueError("paired statistics must have the same shape (same documents, same columns)")
    n = stats_a.shape[0]
    rng = np.random.default_rng(seed)
    sum_a = stats_a.sum(axis=0, dtype=np.float64)
    sum_b = stats_b.sum(axis=0, dtype=np.float64)
    diff = (stats_b - stats_a).astype(np.float32)
    observed = {}
    for spec in specs:
        a, b = _observed(stats_a, spec), _observed(stats_b, spec)
        observed[spec.name] = None if a is None or b is None else abs(a - b)
    extreme = {s.name: 0 for s in specs}
    valid = {s.name: 0 for s in specs}
    batch = max(1, min(trials, BATCH_CELLS // max(n, 1)))
    done = 0
    while done < trials and n:
        t = min(batch, trials - done)
        swap = (rng.random((t, n)) < 0.5).astype(np.float32)
        moved = (swap @ diff).astype(np.float64)  # what swapping moves from B to A, per trial
        sums_a, sums_b = sum_a + moved, sum_b - moved
        for spec in specs:
            if observed[spec.name] is None:
                continue
            d = np.abs(main_value(spec, spec.compute(sums_a)) - main_value(spec, spec.compute(sums_b)))
            ok = ~np.isnan(d)
            valid[spec.name] += int(ok.sum())
            # A tolerance keeps float32 rounding from deciding ties with the observed value.
            extreme[spec.name] += int((d[ok] >= observed[spec.name] - 1e-9).sum())
        done += t
    return {
        name: (None if observed[name] is None or valid[name] == 0 else (extreme[name] + 1) / (valid[name] + 1))
        for name in observed
    }
