"""Scoring extractors of actors, quotes and stances against gold annotation.

Public entry points (see eval/README.md for every definition):

- `ScoreConfig` (config): every matching option, and the report signature;
- `align_document` (align): how a predicted document lines up with its gold
  document, layer by layer;
- `score_documents`, `score_files` (score): a `ScoreReport` with headline
  figures, micro and macro averages, bootstrap intervals;
- `paired_bootstrap`, `approximate_randomization` (significance) and
  `compare_files` (compare): does system A beat system B?
"""

from .align import DocumentAlignment, MentionPair, QuotePair, StancePair, align_document, score_mentions
from .config import Criterion, ScoreConfig
from .score import Figure, ScoreReport, score_documents, score_files
from .significance import approximate_randomization, bootstrap_intervals, paired_bootstrap

__all__ = [
    "Criterion", "DocumentAlignment", "Figure", "MentionPair", "QuotePair", "ScoreConfig", "ScoreReport",
    "StancePair", "align_document", "approximate_randomization", "bootstrap_intervals", "paired_bootstrap",
    "score_documents", "score_files", "score_mentions",
]
