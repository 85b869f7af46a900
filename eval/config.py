"""Every option that changes a score, in one frozen record, and the signature that names it.

Two runs with equal signatures on the same gold file give the same figures
(sacrebleu's idea): the signature carries the tool version, the quote match
used for attribution, whether spans are trimmed, the alignment algorithm, the
bootstrap resamples and seed, and a digest of the gold data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .. import __version__

ALIGNMENTS = ("optimal", "greedy")

_CRITERION = re.compile(r"^(exact|cov(0(?:\.\d+)?|1(?:\.0+)?)|tok(0(?:\.\d+)?|1(?:\.0+)?))$")


@dataclass(frozen=True, slots=True)
class Criterion:
    """When a predicted quote counts as found: ``exact``, ``covT`` or ``tokT``.

    ``exact``: the same characters after trimming; ``cov0.5``: character
    coverage (Jaccard over characters, see eval/README.md) of at least 0.5;
    ``tok0.5``: token Jaccard of at least 0.5.
    """

    kind: str  # "exact", "cov" or "tok"
    threshold: float = 1.0

    @property
    def name(self) -> str:
        return "exact" if self.kind == "exact" else f"{self.kind}{_number(self.threshold)}"

    @classmethod
    def parse(cls, text: str) -> "Criterion":
        m = _CRITERION.match(text.strip())
        if not m:
            raise ValueError(f"unknown quote match {text!r}: use exact, covT or tokT with 0 < T <= 1 (e.g. cov0.5)")
        if m.group(1) == "exact":
            return cls("exact", 1.0)
        kind = m.group(1)[:3]
        threshold = float(m.group(2) or m.group(3))
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold of {text!r} must be in (0, 1]")
        return cls(kind, threshold)


def _number(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True, slots=True)
class ScoreConfig:
    """How predictions are matched to gold and how the statistics are computed.

    trim
        Compare spans after stripping whitespace, quotation marks (straight,
        curly, guillemets, CJK corner brackets) and boundary punctuation
        (. , ; : ! ? … and dashes) from both ends.  On by default, so that an
        annotator who includes the quotation marks and one who does not agree.
    coverage_thresholds, token_thresholds
        Quote detection is reported at ``exact`` and at every threshold:
        character coverage 0.3, 0.5, 0.8 (0.3 and 0.8 are the figures
        published elsewhere) and token overlap 0.5.
    match
        The quote criterion that defines the quote alignment used for
        attribution, cue and type (default ``cov0.5``).
    alignment
        ``optimal`` (one-to-one maximum-weight assignment; default) or
        ``greedy`` (best pair first; only for comparison with greedy scorers).
    bootstrap
        Resamples for confidence intervals (0 turns them off); ``seed`` makes
        them reproducible; ``confidence`` is the interval's coverage.
    """

    trim: bool = True
    coverage_thresholds: tuple[float, ...] = (0.3, 0.5, 0.8)
    token_thresholds: tuple[float, ...] = (0.5,)
    match: str = "cov0.5"
    alignment: str = "optimal"
    bootstrap: int = 1000
    seed: int = 12345
    confidence: float = 0.95
    # Not part of matching, so not in the signature: per-document rows in the report.
    per_document: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        criterion = Criterion.parse(self.match)  # raises ValueError with a usable message
        if self.alignment not in ALIGNMENTS:
            raise ValueError(f"alignment must be one of {', '.join(ALIGNMENTS)}, not {self.alignment!r}")
        for t in (*self.coverage_thresholds, *self.token_thresholds):
            if not 0.0 < t <= 1.0:
                raise ValueError(f"thresholds must be in (0, 1], got {t}")
        if self.bootstrap < 0:
            raise ValueError("bootstrap resamples must be >= 0")
        if not 0.0 < self.confidence < 1.0:
            raise ValueError("confidence must be in (0, 1)")
        # The match criterion is always among the reported criteria.
        if criterion.kind == "cov" and criterion.threshold not in self.coverage_thresholds:
            object.__setattr__(self, "coverage_thresholds", tuple(sorted({*self.coverage_thresholds, criterion.threshold})))
        if criterion.kind == "tok" and criterion.threshold not in self.token_thresholds:
            object.__setattr__(self, "token_thresholds", tuple(sorted({*self.token_thresholds, criterion.threshold})))
        object.__setattr__(self, "match", criterion.name)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every quote criterion reported, ``exact`` first, in a fixed order."""
        out = [Criterion("exact")]
        out += [Criterion("cov", t) for t in sorted(set(self.coverage_thresholds))]
        out += [Criterion("tok", t) for t in sorted(set(self.token_thresholds))]
        return tuple(out)

    @property
    def match_criterion(self) -> Criterion:
        return Criterion.parse(self.match)

    def signature(self, gold_digest: str | None) -> str:
        """``whosaidwhat:0.1.0|match:cov0.5|trim:yes|align:optimal|bs:1000|seed:12345|gold:<12 hex>``.

        Without a gold digest (agreement, where no side is the reference) the gold part is left out.
        """
        parts = [
            f"whosaidwhat:{__version__}",
            f"match:{self.match}",
            f"trim:{'yes' if self.trim else 'no'}",
            f"align:{self.alignment}",
            f"bs:{self.bootstrap}",
            f"seed:{self.seed}",
        ]
        if gold_digest is not None:
            parts.append(f"gold:{gold_digest[:12]}")
        return "|".join(parts)

    def with_(self, **changes: Any) -> "ScoreConfig":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trim": self.trim,
            "coverage_thresholds": list(self.coverage_thresholds),
            "token_thresholds": list(self.token_thresholds),
            "match": self.match,
            "alignment": self.alignment,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "confidence": self.confidence,
        }
