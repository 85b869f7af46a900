"""Scoring predictions against gold: `score_files` (streaming) and `score_documents` (in memory).

Both feed gold/prediction pairs to one `_Run`, which aligns each pair,
turns it into a statistics row (`stats.StatLayout`), and accumulates:
column sums (micro averages), per-document figure sums (macro averages),
and — for confidence intervals and `compare` — the columns those need, as
float32, one row per document.  Rows are processed in blocks so that numpy
does the arithmetic.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import orjson

from ..corpus.model import POLARITIES, Document
from ..corpus.problems import CorpusError, Problem
from ..corpus.validate import check_document
from . import columnar
from .columnar import BlockScorer, no_cycle_collection
from .config import ScoreConfig
from .keys import DocKeys, keys_from_document
from .metrics import HEADLINE, FigureSpec, bootstrap_columns, figure_specs, remap
from .parallel import MIN_BYTES, default_workers, score_in_parallel
from .reader import Pairing, paired_documents
from .significance import bootstrap_intervals
from .stats import StatLayout, StatRows



@dataclass
class Figure:
    """One score: P/R/F1 (kind "prf") or a single value (accuracy, macro-F), with intervals when bootstrapped."""

    name: str
    kind: str = "prf"
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    value: float | None = None
    ci: tuple[float, float] | None = None  # of F1 (or of the value)
    precision_ci: tuple[float, float] | None = None
    recall_ci: tuple[float, float] | None = None
    counts: dict[str, float] = field(default_factory=dict)

    @property
    def main(self) -> float | None:
        return self.f1 if self.kind == "prf" else self.value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.kind == "prf":
            out.update(precision=self.precision, recall=self.recall, f1=self.f1)
            if self.ci is not None:
                out.update(f1_ci=list(self.ci), precision_ci=_list(self.precision_ci), recall_ci=_list(self.recall_ci))
        else:
            out["value"] = self.value
            if self.ci is not None:
                out["ci"] = list(self.ci)
        if self.counts:
            out["counts"] = {k: _number(v) for k, v in self.counts.items()}
        return out


def _list(x: tuple[float, float] | None) -> list[float] | None:
    return list(x) if x is not None else None


def _number(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def _float(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


@dataclass
class ScoreReport:
    """Everything `whosaidwhat score` reports; `format()` renders it."""

    signature: str
    config: ScoreConfig
    documents: int
    figures: dict[str, Figure]  # micro averages (summed counts), incl. per-type
    macro: dict[str, Figure]  # means over documents
    totals: dict[str, float]
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    per_document: list[dict[str, Any]] | None = None
    stats: np.ndarray | None = field(default=None, repr=False)  # documents × stat_columns (float32), with keep_stats
    stat_columns: list[int] = field(default_factory=list, repr=False)
    specs: list[FigureSpec] = field(default_factory=list, repr=False)

    def headline(self) -> dict[str, Figure]:
        """actors (mention level, strict), actor_entities, quotes (attribution), stances (triples)."""
        return {key: self.figures[name] for key, name in HEADLINE.items()}

    @property
    def confusion(self) -> dict[str, dict[str, int]]:
        """Polarity confusion over matched stance pairs: gold polarity -> predicted polarity -> count."""
        return {g: {p: int(self.totals[f"s.conf.{g}.{p}"]) for p in POLARITIES} for g in POLARITIES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "config": self.config.to_dict(),
            "documents": self.documents,
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "headline": {k: f.to_dict() for k, f in self.headline().items()},
            "micro": {k: f.to_dict() for k, f in self.figures.items()},
            "macro": {k: f.to_dict() for k, f in self.macro.items()},
            "confusion": self.confusion,
            "totals": {k: _number(v) for k, v in self.totals.items()},
            **({"per_document": self.per_document} if self.per_document is not None else {}),
        }

    def format(self, fmt: str = "text") -> str:
        from .report import render

        return render(self, fmt)


_SCHEME_COUNTS = ("cor", "inc", "par")


class _Run:
    """Accumulates statistics over document pairs and builds the report."""

    def __init__(self, config: ScoreConfig, keep_stats: bool):
        self.config = config
        self.layout = StatLayout(config)
        self.specs = figure_specs(self.layout)
        self.boot_cols = bootstrap_columns(self.specs)
        self.keep_stats = keep_stats  # the caller wants the rows in the report (compare)
        self.rows = StatRows(len(self.boot_cols)) if keep_stats or config.bootstrap > 0 else None
        self.totals = np.zeros(len(self.layout))
        self.macro_sum: dict[str, dict[str, float]] = {s.name: {} for s in self.specs}
        self.macro_n: dict[str, dict[str, int]] = {s.name: {} for s in self.specs}
        self.scorer = BlockScorer(config)
        self.block: list[tuple[DocKeys, DocKeys | None, str]] = []
        self.per_document: list[dict[str, Any]] | None = [] if config.per_document else None
        self.documents = 0

    def add(self, gold: DocKeys, pred: DocKeys | None, text: str) -> None:
        self.block.append((gold, pred, text))
        if len(self.block) >= columnar.BLOCK_DOCUMENTS:
            self.flush()

    def flush(self) -> None:
        if not self.block:
            return
        golds, preds, texts = zip(*self.block)
        self.block = []
        self.add_rows(self.scorer.rows(golds, preds, texts), [g.id for g in golds], [p is None for p in preds])

    def add_rows(self, rows: np.ndarray, ids: list[str], missing: list[bool]) -> None:
        """Accumulate the statistics rows of a block of documents (in document order)."""
        self.documents += len(ids)
        self.totals += rows.sum(axis=0)
        per_doc_values: dict[str, dict[str, np.ndarray]] = {}
        for spec in self.specs:
            values = spec.compute(rows)
            per_doc_values[spec.name] = values
            for measure, v in values.items():
                ok = ~np.isnan(v)
                self.macro_sum[spec.name][measure] = self.macro_sum[spec.name].get(measure, 0.0) + float(v[ok].sum())
                self.macro_n[spec.name][measure] = self.macro_n[spec.name].get(measure, 0) + int(ok.sum())
        if self.rows is not None:
            self.rows.append(rows[:, self.boot_cols])
        if self.per_document is not None:
            for k, doc_id in enumerate(ids):
                entry: dict[str, Any] = {"id": doc_id, "missing": missing[k]}
                for key, name in HEADLINE.items():
                    v = per_doc_values[name]
                    entry[key] = {m: _float(v[m][k]) for m in ("precision", "recall", "f1")}
                entry["counts"] = {n: _number(rows[k, i]) for n, i in self.layout.index.items() if not n.startswith("m[")}
                self.per_document.append(entry)

    def report(self, gold_digest: str, missing: list[str], warnings: list[str]) -> ScoreReport:
        self.flush()
        config = self.config
        boot_specs = [remap(s, self.boot_cols) for s in self.specs if not s.per_type]
        intervals: dict[str, dict[str, tuple[float, float] | None]] = {}
        if self.rows is not None and config.bootstrap:
            intervals = bootstrap_intervals(self.rows, boot_specs, config.bootstrap, config.seed, config.confidence)
        stats = self.rows.array() if self.rows is not None and self.keep_stats else None
        if self.rows is not None:
            self.rows.close()
        figures: dict[str, Figure] = {}
        macro: dict[str, Figure] = {}
        names = self.layout.names
        for spec in self.specs:
            values = spec.compute(self.totals[None, :])
            ci = intervals.get(spec.name, {})
            fig = Figure(spec.name, "prf" if spec.kind == "prf" else "value")
            mfig = Figure(spec.name, fig.kind)
            if spec.kind == "prf":
                fig.precision, fig.recall, fig.f1 = (_float(values[m][0]) for m in ("precision", "recall", "f1"))
                fig.ci, fig.precision_ci, fig.recall_ci = ci.get("f1"), ci.get("precision"), ci.get("recall")
                fig.counts = {
                    "tp": float(sum(self.totals[c] * w for c, w in spec.tp)),
                    "predicted": float(self.totals[spec.predicted]),
                    "gold": float(self.totals[spec.gold]),
                }
                if spec.name.startswith("mentions."):
                    fig.counts.update(_scheme_counts(spec.name, self.totals, self.layout.index))
                mfig.precision, mfig.recall, mfig.f1 = (self._macro(spec.name, m) for m in ("precision", "recall", "f1"))
                mfig.counts = {"documents": self.macro_n[spec.name].get("f1", 0)}
            else:
                fig.value = _float(values["value"][0])
                fig.ci = ci.get("value")
                if spec.kind == "ratio":
                    fig.counts = {"correct": float(sum(self.totals[c] for c, _ in spec.tp)), "total": float(self.totals[spec.gold])}
                mfig.value = self._macro(spec.name, "value")
                mfig.counts = {"documents": self.macro_n[spec.name].get("value", 0)}
            if spec.per_type and not (self.totals[spec.gold] or self.totals[spec.predicted]):
                continue  # an actor type that occurs nowhere
            figures[spec.name] = fig
            macro[spec.name] = mfig
        return ScoreReport(
            signature=config.signature(gold_digest),
            config=config,
            documents=self.documents,
            figures=figures,
            macro=macro,
            totals={n: float(self.totals[i]) for i, n in enumerate(names)},
            missing=missing,
            warnings=warnings,
            per_document=self.per_document,
            stats=stats,
            stat_columns=self.boot_cols,
            specs=boot_specs,
        )

    def _macro(self, name: str, measure: str) -> float | None:
        n = self.macro_n[name].get(measure, 0)
        return self.macro_sum[name][measure] / n if n else None


def _scheme_counts(name: str, totals: np.ndarray, index: dict[str, int]) -> dict[str, float]:
    """COR/INC/PAR/MIS/SPU of a mention figure such as ``mentions.strict[PERSON]``."""
    scheme = name.split(".", 1)[1]
    prefix = "m"
    if "[" in scheme:
        scheme, label = scheme[:-1].split("[")
        prefix = f"m[{label}]"
    cor, inc, par = (totals[index[f"{prefix}.{scheme}.{k}"]] for k in _SCHEME_COUNTS)
    gold, pred = totals[index[f"{prefix}.gold"]], totals[index[f"{prefix}.pred"]]
    matched = cor + inc + par
    return {"COR": cor, "INC": inc, "PAR": par, "MIS": gold - matched, "SPU": pred - matched, "POS": gold, "ACT": pred}


def _missing_warning(missing: list[str]) -> list[str]:
    if not missing:
        return []
    shown = ", ".join(missing[:20]) + (f", ... ({len(missing) - 20} more)" if len(missing) > 20 else "")
    return [f"{len(missing)} gold document(s) missing from the predictions, counted as all missed: {shown}"]


def score_files(
    gold_path: str | Path,
    pred_path: str | Path,
    config: ScoreConfig | None = None,
    ignore_extra: bool = False,
    *,
    keep_stats: bool = False,
    workers: int | None = None,
) -> ScoreReport:
    """Score a prediction file against a gold file, streaming both.

    `workers` processes score blocks of documents (`parallel`); by default two
    (or one on a single core) for gold files of 16 MB or more, none below.
    The figures do not depend on it.

    Raises `CorpusError` with every problem (file:line: document: field:
    message) for malformed lines, invalid documents, prediction text that
    differs from the gold text, duplicate ids, and — unless `ignore_extra` —
    prediction documents that are not in the gold file.
    """
    config = config or ScoreConfig()
    for path in (gold_path, pred_path):
        if not Path(path).is_file():
            raise CorpusError([Problem(str(path), None, None, "file", "no such file")])
    with no_cycle_collection():
        return _score_files(str(gold_path), str(pred_path), config, ignore_extra, keep_stats, workers)


def _score_files(
    gold_path: str, pred_path: str, config: ScoreConfig, ignore_extra: bool, keep_stats: bool, workers: int | None
) -> ScoreReport:
    run = _Run(config, keep_stats)
    pairing = Pairing()
    if workers is None:
        workers = default_workers() if Path(gold_path).stat().st_size >= MIN_BYTES else 1
    if workers > 1:
        run.scorer.per_document_path += score_in_parallel(gold_path, pred_path, pairing, run.add_rows, run.add, config, workers)
    else:
        for gold, pred, text in paired_documents(gold_path, pred_path, pairing):
            run.add(gold, pred, text)
    problems = list(pairing.problems)
    warnings = _missing_warning(pairing.missing)
    if pairing.extra:
        if ignore_extra:
            warnings.append(f"{len(pairing.extra)} prediction document(s) not in the gold file were ignored")
        else:
            problems += [
                Problem(file, line, doc_id, "id", "document not in the gold file (use --ignore-extra to skip it)")
                for file, line, doc_id in pairing.extra
            ]
    if problems:
        raise CorpusError(problems)
    return run.report(pairing.gold_digest, pairing.missing, warnings)


def gold_digest(documents: Iterable[Document]) -> str:
    """sha256 of the documents serialised one per line (for in-memory gold)."""
    h = hashlib.sha256()
    for doc in documents:
        h.update(orjson.dumps(doc.to_dict()))
        h.update(b"\n")
    return h.hexdigest()


def score_documents(
    gold: Iterable[Document],
    pred: Iterable[Document],
    config: ScoreConfig | None = None,
    ignore_extra: bool = False,
    *,
    keep_stats: bool = False,
) -> ScoreReport:
    """Score in-memory documents (validated here; problems name ``<gold>``/``<pred>`` and the position)."""
    config = config or ScoreConfig()
    gold = list(gold)
    problems: list[Problem] = []
    predictions: dict[str, tuple[int, Document]] = {}
    for n, doc in enumerate(pred, 1):
        if doc.id in predictions:
            problems.append(Problem("<pred>", n, doc.id, "id", "duplicate document id"))
        predictions[doc.id] = (n, doc)
    run = _Run(config, keep_stats)
    missing: list[str] = []
    seen: set[str] = set()
    for n, doc in enumerate(gold, 1):
        if doc.id in seen:
            problems.append(Problem("<gold>", n, doc.id, "id", "duplicate document id"))
            continue
        seen.add(doc.id)
        if doc.text is None:
            problems.append(Problem("<gold>", n, doc.id, "text", "missing required field"))
            continue
        found = [Problem("<gold>", n, doc.id, f, m) for f, m in check_document(doc)]
        entry = predictions.get(doc.id)
        p_doc = None
        if entry is not None:
            line, p_doc = entry
            if p_doc.text is not None and p_doc.text != doc.text:
                found.append(Problem("<pred>", line, doc.id, "text", "the text differs from the gold text"))
            else:
                filled = p_doc if p_doc.text is not None else _with_text(p_doc, doc.text)
                found += [Problem("<pred>", line, doc.id, f, m) for f, m in check_document(filled)]
        if found:
            problems.extend(found)
            continue
        if p_doc is None:
            missing.append(doc.id)
        run.add(keys_from_document(doc), None if p_doc is None else keys_from_document(p_doc), doc.text)
    extra = [(n, d.id) for d_id, (n, d) in predictions.items() if d_id not in seen]
    warnings = _missing_warning(missing)
    if extra and not ignore_extra:
        problems += [Problem("<pred>", n, d, "id", "document not in the gold documents") for n, d in extra]
    elif extra:
        warnings.append(f"{len(extra)} prediction document(s) not in the gold documents were ignored")
    if problems:
        raise CorpusError(problems)
    return run.report(gold_digest(gold), missing, warnings)


def _with_text(doc: Document, text: str) -> Document:
    from dataclasses import replace

    return replace(doc, text=text)


__all__ = ["Figure", "ScoreReport", "score_documents", "score_files", "gold_digest"]
