"""Inter-annotator agreement: `whosaidwhat agree A.jsonl B.jsonl [C.jsonl ...]`.

Agreement is scoring with neither side as the truth.  Pairwise F1 uses the
scorer's own matching (`score_documents` with one annotator in the gold seat):
F1 is symmetric, so which one sits there does not matter.  On top of the
matched items, chance-corrected agreement on the labels:

- Cohen's kappa (scikit-learn) on the type of matched quotes and on the
  polarity of matched stances (same holder and target after alignment);
- Krippendorff's alpha at the **nominal** level (the `krippendorff`
  package's default level is interval, which would treat "support" < "oppose"
  as numbers) over aligned units.  Units are built by aligning every annotator
  to the first one; an item only one annotator has is a unit with one value,
  which alpha ignores (it measures agreement on labels, F1 measures agreement
  on which items exist).

Everything is reported per document and overall (pooled over documents).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..corpus.jsonl import atomic_write_text, read_documents
from ..corpus.model import POLARITIES, QUOTE_TYPES, Document
from ..corpus.problems import CorpusError, Problem
from ..corpus.validate import check_document
from .align import align_document
from .config import ScoreConfig
from .score import score_documents

# Pairwise F1 figures reported, as (report name, scorer figure name).
F1_FIGURES: tuple[tuple[str, str], ...] = (
    ("mentions exact", "mentions.strict"),
    ("mentions overlap", "mentions.type"),
    ("actors (entities)", "actor_entities"),
    ("quotes exact", "quotes.exact"),
    ("quotes cov0.5", "quotes.cov0.5"),
    ("quote attribution", "quotes.attribution"),
    ("quote cue", "quotes.cue"),
    ("stance triples", "stances"),
)


@dataclass(frozen=True, slots=True)
class AnnotatedFile:
    """One annotator's file: its documents by id, with the line each came from."""

    path: str
    documents: dict[str, Document]
    lines: dict[str, int]


def load_annotations(path: str | Path) -> AnnotatedFile:
    """Read and validate one annotator's file; raise `CorpusError` with every problem."""
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    lines: dict[str, int] = {}
    for parsed in read_documents(path):
        problems.extend(parsed.problems)
        doc = parsed.document
        if doc is None:
            continue
        problems.extend(Problem(parsed.file, parsed.line, doc.id, f, m) for f, m in check_document(doc))
        if doc.id in documents:
            problems.append(Problem(parsed.file, parsed.line, doc.id, "id",
                                    f"duplicate document id (first at line {lines[doc.id]})"))
            continue
        documents[doc.id] = doc
        lines[doc.id] = parsed.line
    if problems:
        raise CorpusError(problems)
    return AnnotatedFile(str(path), documents, lines)


def check_same_documents(files: Sequence[AnnotatedFile]) -> list[Problem]:
    """Every file must annotate the same documents with the same texts."""
    problems: list[Problem] = []
    first = files[0]
    for other in files[1:]:
        for doc_id in sorted(first.documents.keys() - other.documents.keys()):
            problems.append(Problem(other.path, None, doc_id, "id",
                                    f"document is in {first.path} (line {first.lines[doc_id]}) but not in this file"))
        for doc_id in sorted(other.documents.keys() - first.documents.keys()):
            problems.append(Problem(other.path, other.lines[doc_id], doc_id, "id", f"document is not in {first.path}"))
        for doc_id in sorted(first.documents.keys() & other.documents.keys()):
            if first.documents[doc_id].text != other.documents[doc_id].text:
                problems.append(Problem(other.path, other.lines[doc_id], doc_id, "text",
                                        f"the text differs from {first.path} line {first.lines[doc_id]}"))
    return problems


# -- chance-corrected agreement ------------------------------------------------------------------


def cohen_kappa(a: Sequence[str], b: Sequence[str], labels: Sequence[str]) -> float | None:
    """Cohen's kappa of two label sequences; None when undefined (no items, or one label only)."""
    if not a:
        return None
    if len(set(a) | set(b)) < 2:
        # Both annotators used one and the same label throughout: observed agreement is
        # perfect but so is chance agreement, and kappa is 0/0.
        return None
    from sklearn.metrics import cohen_kappa_score

    value = float(cohen_kappa_score(list(a), list(b), labels=list(labels)))
    return None if math.isnan(value) else value


def krippendorff_nominal(units: Sequence[Sequence[str | None]], labels: Sequence[str]) -> float | None:
    """Krippendorff's alpha, nominal level; `units[u][c]` is coder c's label of unit u (None = missing)."""
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    if not pairable or len({v for u in pairable for v in u if v is not None}) < 2:
        return None  # no unit coded twice, or a single label in use: alpha is undefined
    import krippendorff
    import numpy as np

    code = {label: i for i, label in enumerate(labels)}
    coders = len(units[0])
    data = np.full((coders, len(pairable)), np.nan)
    for j, unit in enumerate(pairable):
        for c, value in enumerate(unit):
            if value is not None:
                data[c, j] = code[value]
    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                     value_domain=list(range(len(labels)))))
    return None if math.isnan(value) else value


@dataclass(slots=True)
class LabelUnits:
    """Aligned units for one label (quote type or stance polarity), one value per annotator."""

    units: list[list[str | None]] = field(default_factory=list)

    def pair(self, i: int, j: int) -> tuple[list[str], list[str]]:
        both = [(u[i], u[j]) for u in self.units if u[i] is not None and u[j] is not None]
        return [a for a, _ in both], [b for _, b in both]


def label_units(documents: Sequence[Document], config: ScoreConfig) -> tuple[LabelUnits, LabelUnits]:
    """Quote-type and polarity units of one document, every annotator aligned to the first."""
    pivot, others = documents[0], documents[1:]
    coders = len(documents)
    quote_units = {i: [q.type] + [None] * (coders - 1) for i, q in enumerate(pivot.quotes)}
    stance_units = {s.id: [s.polarity] + [None] * (coders - 1) for s in pivot.stances}
    extra_quotes: list[list[str | None]] = []
    extra_stances: list[list[str | None]] = []
    for c, other in enumerate(others, 1):
        alignment = align_document(pivot, other, config)
        for pair in alignment.quotes:
            quote_units[pair.gold_index][c] = other.quotes[pair.pred_index].type
        for j in alignment.unmatched_pred_quotes:
            unit: list[str | None] = [None] * coders
            unit[c] = other.quotes[j].type
            extra_quotes.append(unit)
        for sp in alignment.stances:
            stance_units[sp.gold_id][c] = sp.pred_polarity
        polarity = {s.id: s.polarity for s in other.stances}
        for sid in alignment.unmatched_pred_stances:
            unit = [None] * coders
            unit[c] = polarity[sid]
            extra_stances.append(unit)
    return (LabelUnits(list(quote_units.values()) + extra_quotes),
            LabelUnits(list(stance_units.values()) + extra_stances))


# -- the report -----------------------------------------------------------------------------------


@dataclass(slots=True)
class PairFigures:
    """Agreement of two annotators on a set of documents."""

    a: str
    b: str
    f1: dict[str, float | None]
    kappa_quote_type: float | None
    kappa_polarity: float | None
    matched_quotes: int
    matched_stances: int

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "f1": self.f1, "kappa_quote_type": self.kappa_quote_type,
                "kappa_polarity": self.kappa_polarity, "matched_quotes": self.matched_quotes,
                "matched_stances": self.matched_stances}


@dataclass(slots=True)
class Agreement:
    """Agreement over a set of documents (overall, or one document)."""

    scope: str  # "overall" or a document id
    pairs: list[PairFigures]
    alpha_quote_type: float | None
    alpha_polarity: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "pairs": [p.to_dict() for p in self.pairs],
                "alpha_quote_type": self.alpha_quote_type, "alpha_polarity": self.alpha_polarity}


def agreement(files: Sequence[AnnotatedFile], doc_ids: Sequence[str], scope: str, config: ScoreConfig) -> Agreement:
    names = [f.path for f in files]
    per_doc_units = [label_units([f.documents[d] for f in files], config) for d in doc_ids]
    quote_units = LabelUnits([u for qu, _ in per_doc_units for u in qu.units])
    stance_units = LabelUnits([u for _, su in per_doc_units for u in su.units])
    pairs = []
    for i, j in itertools.combinations(range(len(files)), 2):
        report = score_documents([files[i].documents[d] for d in doc_ids], [files[j].documents[d] for d in doc_ids], config)
        f1 = {label: report.figures[name].f1 for label, name in F1_FIGURES}
        qa, qb = quote_units.pair(i, j)
        sa, sb = stance_units.pair(i, j)
        pairs.append(PairFigures(names[i], names[j], f1, cohen_kappa(qa, qb, QUOTE_TYPES),
                                 cohen_kappa(sa, sb, POLARITIES), len(qa), len(sa)))
    return Agreement(scope, pairs, krippendorff_nominal(quote_units.units, QUOTE_TYPES),
                     krippendorff_nominal(stance_units.units, POLARITIES))


@dataclass(slots=True)
class AgreementReport:
    signature: str
    annotators: list[str]
    overall: Agreement
    documents: list[Agreement]

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "annotators": self.annotators, "overall": self.overall.to_dict(),
                "documents": [d.to_dict() for d in self.documents]}

    def markdown(self) -> str:
        lines = [f"# Inter-annotator agreement", "", f"Annotators: {', '.join(self.annotators)}  ",
                 f"Documents: {len(self.documents)}  ", f"Signature: `{self.signature}`", ""]
        lines += _agreement_table(self.overall, "Overall (pooled over documents)")
        for doc in self.documents:
            lines += _agreement_table(doc, f"Document `{doc.scope}`")
        return "\n".join(lines) + "\n"


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _agreement_table(agr: Agreement, title: str) -> list[str]:
    header = ["measure"] + [f"{Path(p.a).stem} ~ {Path(p.b).stem}" for p in agr.pairs]
    rows = [[f"F1 {label}"] + [_fmt(p.f1[label]) for p in agr.pairs] for label, _ in F1_FIGURES]
    rows.append(["Cohen's κ quote type"] + [f"{_fmt(p.kappa_quote_type)} (n={p.matched_quotes})" for p in agr.pairs])
    rows.append(["Cohen's κ polarity"] + [f"{_fmt(p.kappa_polarity)} (n={p.matched_stances})" for p in agr.pairs])
    out = [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += ["", f"Krippendorff's α (nominal): quote type {_fmt(agr.alpha_quote_type)}, "
                f"polarity {_fmt(agr.alpha_polarity)}", ""]
    return out


def compute_agreement(paths: Sequence[str | Path], config: ScoreConfig | None = None) -> AgreementReport:
    """Agreement of two or more annotators' files over the same documents."""
    config = config or ScoreConfig()
    if len(paths) < 2:
        raise CorpusError([Problem("-", None, None, "files", "agreement needs at least two annotators' files")])
    files: list[AnnotatedFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            files.append(load_annotations(path))
        except CorpusError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CorpusError(problems)
    problems = check_same_documents(files)
    if problems:
        raise CorpusError(problems)
    doc_ids = sorted(files[0].documents)
    overall = agreement(files, doc_ids, "overall", config)
    per_doc = [agreement(files, [d], d, config) for d in doc_ids]
    # Agreement resamples nothing and has no reference side: say so in the signature.
    signature = config.with_(bootstrap=0).signature(None) + "|agree:nominal"
    return AgreementReport(signature, [f.path for f in files], overall, per_doc)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "agree",
        help="inter-annotator agreement: pairwise F1 per layer, Cohen's kappa, Krippendorff's alpha",
        description="Compare two or more annotators' files of the same documents: pairwise F1 per layer with the "
        "scorer's matching (exact and overlap), Cohen's kappa on quote type and on the polarity of matched stances, "
        "Krippendorff's alpha (nominal) over aligned units; per document and overall.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines files, one per annotator")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--match", default="cov0.5", help="quote match used for attribution and kappa (default cov0.5)")
    p.add_argument("--out", metavar="FILE", help="write the report here (atomically) instead of stdout")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from whosaidwhat.cli import UsageError

    try:
        config = ScoreConfig(match=args.match)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    report = compute_agreement(args.files, config)
    text = report.markdown() if args.format == "markdown" else json.dumps(report.to_dict(), indent=2) + "\n"
    if args.out:
        atomic_write_text(args.out, text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
