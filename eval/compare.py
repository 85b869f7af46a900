"""Does system A really beat system B?  Paired tests over the same gold documents.

Both prediction files are scored against the same gold file; because
`score_files` emits one statistics row per gold document in gold order
(missing documents included, as all missed), the two statistics matrices are
paired row by row.  For every layer-level figure the report gives A, B, the
difference, its bootstrap interval, and two p-values (see `significance`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .config import ScoreConfig
from .metrics import HEADLINE
from .score import ScoreReport, score_files
from .significance import Comparison, approximate_randomization, main_value, paired_bootstrap

DEFAULT_TRIALS = 1000


@dataclass
class ComparisonReport:
    signature: str
    name_a: str
    name_b: str
    documents: int
    resamples: int
    trials: int
    comparisons: list[Comparison]
    warnings: list[str] = field(default_factory=list)
    report_a: ScoreReport | None = field(default=None, repr=False)
    report_b: ScoreReport | None = field(default=None, repr=False)

    def by_figure(self) -> dict[str, Comparison]:
        return {c.figure: c for c in self.comparisons}

    def to_dict(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "a": self.name_a,
            "b": self.name_b,
            "documents": self.documents,
            "resamples": self.resamples,
            "trials": self.trials,
            "comparisons": [c.to_dict() for c in self.comparisons],
            "warnings": self.warnings,
        }

    def format(self, fmt: str = "text") -> str:
        from .report import render_comparison

        return render_comparison(self, fmt)


def compare_reports(a: ScoreReport, b: ScoreReport, *, name_a: str = "A", name_b: str = "B", trials: int = DEFAULT_TRIALS) -> ComparisonReport:
    """Paired tests between two reports of the same gold data (scored with ``keep_stats=True``)."""
    if a.stats is None or b.stats is None:
        raise ValueError("both reports need their per-document statistics (score with keep_stats=True)")
    if a.stats.shape != b.stats.shape or a.signature != b.signature:
        raise ValueError("the two reports are not over the same gold documents with the same settings")
    config = a.config
    resamples = config.bootstrap or 1000
    headline = set(HEADLINE.values())
    # Headline figures first, then the other layer-level figures in report order.
    specs = sorted(a.specs, key=lambda s: (s.name not in headline, a.specs.index(s)))
    boot = paired_bootstrap(a.stats, b.stats, specs, resamples, config.seed, config.confidence)
    ar = approximate_randomization(a.stats, b.stats, specs, trials, config.seed)
    comparisons = []
    for spec in specs:
        va = _value(a.stats, spec)
        vb = _value(b.stats, spec)
        p_boot, delta_ci = boot[spec.name]
        comparisons.append(
            Comparison(spec.name, va, vb, None if va is None or vb is None else va - vb, delta_ci, p_boot, ar[spec.name])
        )
    return ComparisonReport(
        signature=a.signature + f"|ar:{trials}",
        name_a=name_a,
        name_b=name_b,
        documents=a.documents,
        resamples=resamples,
        trials=trials,
        comparisons=comparisons,
        warnings=[f"A: {w}" for w in a.warnings] + [f"B: {w}" for w in b.warnings],
        report_a=a,
        report_b=b,
    )


def _value(stats: np.ndarray, spec) -> float | None:
    v = main_value(spec, spec.compute(stats.sum(axis=0, dtype=np.float64)[None, :]))[0]
    return None if np.isnan(v) else float(v)


def compare_files(
    gold_path: str | Path,
    a_path: str | Path,
    b_path: str | Path,
    config: ScoreConfig | None = None,
    ignore_extra: bool = False,
    trials: int = DEFAULT_TRIALS,
    workers: int | None = None,
) -> ComparisonReport:
    """Score A and B against the same gold file and test every figure's difference."""
    config = config or ScoreConfig()
    a = score_files(gold_path, a_path, config, ignore_extra, keep_stats=True, workers=workers)
    b = score_files(gold_path, b_path, config, ignore_extra, keep_stats=True, workers=workers)
    return compare_reports(a, b, name_a=str(a_path), name_b=str(b_path), trials=trials)
