"""``whosaidwhat benchmark``: run extractors over a gold corpus, score them, report.

Each system is an extractor (registered name or shell command) run over the gold documents
*stripped of their annotation* (`Document.bare`), or a predictions file made elsewhere.
Extractor runs are timed (documents per second, after the extractor's optional ``setup()``
so that loading a model is not counted).  Scores come from the scorer,
`whosaidwhat.eval.score.score_documents`, with one `ScoreConfig` for every system; the
report holds one table (a row per system: P/R/F per layer with confidence intervals, and
throughput), a markdown file, the per-system scores as JSON, each system's predictions, and
the HTML page of `html_report`.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from whosaidwhat.annotate.extractors import CommandExtractor, Extractor, checked, load_extractor, load_predictions
from whosaidwhat.annotate.html_report import render_report
from whosaidwhat.corpus.jsonl import atomic_write_text, write_documents
from whosaidwhat.corpus.model import Document

LAYERS: tuple[tuple[str, str], ...] = (
    ("actors", "actor mentions"),
    ("actor_entities", "actor entities"),
    ("quotes", "quote attribution"),
    ("stances", "stances"),
)
"""Headline figures of the scorer, in table order, with their column titles."""

TABLE_LAYERS = ("actors", "quotes", "stances")


@dataclass
class SystemSpec:
    """One system to benchmark: ``kind`` is "extractor", "command" or "predictions"."""

    kind: str
    value: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.value if self.kind != "predictions" else f"file:{Path(self.value).name}"


@dataclass
class SystemRun:
    name: str
    kind: str
    predictions: list[Document]
    seconds: float | None  # None for a predictions file: nothing was run
    report: Any  # whosaidwhat.eval.score.ScoreReport
    alignments: list[Any] | None
    missing: list[str] = field(default_factory=list)

    @property
    def docs_per_second(self) -> float | None:
        if self.seconds is None or not self.predictions:
            return None
        return len(self.predictions) / self.seconds if self.seconds > 0 else float("inf")


def predict(spec: SystemSpec, gold: list[Document]) -> tuple[str, list[Document], float | None, list[str]]:
    """Run one system over the gold texts; return its name, predictions, seconds and missing ids."""
    if spec.kind == "predictions":
        predictions, missing = load_predictions(spec.value, gold)
        return spec.label, predictions, None, missing
    extractor: Extractor
    if spec.kind == "command":
        extractor = CommandExtractor(spec.value)
    else:
        extractor = load_extractor(spec.value, **spec.options)
    setup = getattr(extractor, "setup", None)
    if callable(setup):
        setup()  # load models before the clock starts
    bare = [d.bare() for d in gold]
    started = time.perf_counter()
    predictions = list(checked(extractor, bare))
    seconds = time.perf_counter() - started
    return getattr(extractor, "name", spec.value), predictions, seconds, []


def score(gold: list[Document], predictions: list[Document], config: Any) -> tuple[Any, list[Any] | None]:
    """The scorer's report and per-document alignments (for the HTML page)."""
    from whosaidwhat.eval.score import score_documents

    report = score_documents(gold, predictions, config)
    try:
        from whosaidwhat.eval.align import align_document
    except ImportError:  # the page then shows predictions without TP/FP marks
        return report, None
    return report, [align_document(g, p, config) for g, p in zip(gold, predictions)]


def run_benchmark(gold: list[Document], specs: list[SystemSpec], config: Any, progress=None) -> list[SystemRun]:
    runs: list[SystemRun] = []
    for spec in specs:
        if progress is not None:
            progress(f"running {spec.label} over {len(gold)} document(s)")
        name, predictions, seconds, missing = predict(spec, gold)
        report, alignments = score(gold, predictions, config)
        runs.append(SystemRun(_unique(name, runs), spec.kind, predictions, seconds, report, alignments, missing))
    return runs


def _unique(name: str, runs: list[SystemRun]) -> str:
    taken = {r.name for r in runs}
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


# --------------------------------------------------------------------------- formatting


def _figure(report: Any, layer: str) -> Any | None:
    return report.headline().get(layer)


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def format_cell(figure: Any | None) -> str:
    """``P/R/F .62/.55/.58 [.50–.66]``: the interval is F1's."""
    if figure is None:
        return "—"
    p, r, f = (getattr(figure, k, None) for k in ("precision", "recall", "f1"))
    cell = f"{_num(p)} {_num(r)} {_num(f)}"
    ci = getattr(figure, "ci", None)
    if ci:
        cell += f" [{_num(ci[0])}–{_num(ci[1])}]"
    return cell


def format_speed(run: SystemRun) -> str:
    dps = run.docs_per_second
    return "—" if dps is None else f"{dps:.1f}"


def format_table(runs: list[SystemRun]) -> str:
    """The terminal table: a row per system, P R F [F1 interval] per layer, documents/s."""
    header = ["system"] + [f"{title}  P R F [95% CI of F]" for layer, title in LAYERS if layer in TABLE_LAYERS] + ["docs/s"]
    rows = [header]
    for run in runs:
        rows.append([run.name] + [format_cell(_figure(run.report, layer)) for layer in TABLE_LAYERS] + [format_speed(run)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_report(runs: list[SystemRun], corpus: str, n_docs: int, signature: str) -> str:
    lines = [
        "# Benchmark",
        "",
        f"Corpus: `{corpus}` ({n_docs} document(s)); extractors were given the text only.",
        f"Score signature: `{signature}`",
        "",
        "Precision, recall and F1 per layer; the interval in brackets is the bootstrap confidence "
        "interval of F1. Throughput counts documents per second of extraction (model loading excluded).",
        "",
        "| system | " + " | ".join(title for _, title in LAYERS) + " | docs/s |",
        "|---|" + "---|" * len(LAYERS) + "---|",
    ]
    for run in runs:
        cells = [format_cell(_figure(run.report, layer)).replace("|", "\\|") for layer, _ in LAYERS]
        lines.append(f"| {run.name} | " + " | ".join(cells) + f" | {format_speed(run)} |")
    lines.append("")
    for run in runs:
        if run.missing:
            lines.append(f"- {run.name}: no prediction for {len(run.missing)} document(s) ({', '.join(run.missing[:5])}"
                         + (" …" if len(run.missing) > 5 else "") + "); they count as predicting nothing.")
    lines += ["", "Details: `report.html` (each document with gold and predicted spans), `scores-*.json`, `predictions-*.jsonl`.", ""]
    for run in runs:
        lines += [f"## {run.name}", "", "```", _report_text(run.report), "```", ""]
    return "\n".join(lines)


def _report_text(report: Any) -> str:
    fmt = getattr(report, "format", None)
    if callable(fmt):
        try:
            return str(fmt("text"))
        except (TypeError, ValueError, KeyError):
            pass
    return orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode()


def _slug(name: str) -> str:
    out = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name).strip("-.")
    return out[:60] or "system"


def write_report(out_dir: Path, runs: list[SystemRun], gold: list[Document], corpus: str) -> list[Path]:
    """Write report.md, report.html, scores-<system>.json and predictions-<system>.jsonl."""
    out_dir.mkdir(parents=True, exist_ok=True)
    signature = getattr(runs[0].report, "signature", "") if runs else ""
    written: list[Path] = []
    used: set[str] = set()
    for run in runs:
        slug = _slug(run.name)
        while slug in used:
            slug += "-"
        used.add(slug)
        predictions = out_dir / f"predictions-{slug}.jsonl"
        write_documents(predictions, run.predictions)
        scores = out_dir / f"scores-{slug}.json"
        payload = {"system": run.name, "kind": run.kind, "seconds": run.seconds,
                   "docs_per_second": run.docs_per_second, "missing": run.missing, "scores": run.report.to_dict()}
        atomic_write_text(scores, orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY).decode())
        written += [predictions, scores]
    markdown = out_dir / "report.md"
    atomic_write_text(markdown, markdown_report(runs, corpus, len(gold), str(signature)))
    summary = (
        f"<p>Corpus <code>{html.escape(corpus)}</code>, {len(gold)} document(s). "
        f"Score signature <code>{html.escape(str(signature))}</code>.</p><pre>{html.escape(format_table(runs))}</pre>"
    )
    page = render_report("whosaidwhat benchmark", gold, [(r.name, r.predictions, r.alignments) for r in runs], summary)
    html_path = out_dir / "report.html"
    atomic_write_text(html_path, page)
    return [markdown, html_path] + written
