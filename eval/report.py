"""Rendering a `ScoreReport` or a `ComparisonReport`: text tables, JSON, Markdown, CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Sequence

from ..corpus.model import POLARITIES

if TYPE_CHECKING:
    from .compare import ComparisonReport
    from .score import Figure, ScoreReport

FORMATS = ("text", "json", "markdown", "csv")

HEADLINE_LABELS = {
    "actors": "actors (mentions, strict)",
    "actor_entities": "actor entities (CEAF-e, φ4)",
    "quotes": "quotes (attribution)",
    "stances": "stances (triples)",
}


def _f(x: float | None) -> str:
    return "—" if x is None else f"{x:.4f}"


def _ci(x: tuple[float, float] | None) -> str:
    return "" if x is None else f"[{x[0]:.4f}, {x[1]:.4f}]"


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def _prf_row(label: str, fig: "Figure", extra: Sequence[str] = ()) -> list[str]:
    return [label, *extra, _f(fig.precision), _f(fig.recall), _f(fig.f1), _ci(fig.ci)]


def _sections(report: "ScoreReport", markdown: bool) -> list[str]:
    conf = int(round(report.config.confidence * 100))
    ci = f"F1 {conf}% CI"
    out = []
    head = report.headline()
    out.append(
        ("## Headline\n\n" if markdown else "Headline\n")
        + _table(["figure", "P", "R", "F1", ci], [_prf_row(HEADLINE_LABELS[k], f) for k, f in head.items()], markdown)
    )
    figs = report.figures
    rows = []
    for scheme in ("strict", "exact", "partial", "type"):
        f = figs[f"mentions.{scheme}"]
        rows.append(_prf_row(scheme, f, [_n(f.counts[k]) for k in ("COR", "INC", "PAR", "MIS", "SPU")]))
    out.append(
        ("## Actor mentions (SemEval-2013 schemes)\n\n" if markdown else "Actor mentions (SemEval-2013 schemes)\n")
        + _table(["scheme", "COR", "INC", "PAR", "MIS", "SPU", "P", "R", "F1", ci], rows, markdown)
    )
    typed = [n for n in figs if n.startswith("mentions.") and "[" in n]
    if typed:
        rows = []
        for name in typed:
            f = figs[name]
            scheme, label = name[len("mentions."):-1].split("[")
            rows.append([label, scheme] + [_n(f.counts[k]) for k in ("COR", "INC", "PAR", "MIS", "SPU")] + [_f(f.precision), _f(f.recall), _f(f.f1)])
        out.append(
            ("## Actor mentions per type\n\n" if markdown else "Actor mentions per type\n")
            + _table(["type", "scheme", "COR", "INC", "PAR", "MIS", "SPU", "P", "R", "F1"], rows, markdown)
        )
    ent = figs["actor_entities"]
    out.append(
        ("## Actor entities\n\n" if markdown else "Actor entities\n")
        + _table(["figure", "Σφ", "pred", "gold", "P", "R", "F1", ci], [_prf_row("CEAF-e (φ4)", ent, [_n(ent.counts["tp"]), _n(ent.counts["predicted"]), _n(ent.counts["gold"])])], markdown)
    )
    rows = []
    for name, f in figs.items():
        if name.startswith("quotes.") and f.kind == "prf":
            label = name[len("quotes."):]
            if label == report.config.match:
                label += " (match)"
            rows.append(_prf_row(label, f, [_n(f.counts["tp"]), _n(f.counts["predicted"]), _n(f.counts["gold"])]))
    t = figs["quotes.type_accuracy"]
    out.append(
        ("## Quotes\n\n" if markdown else "Quotes\n")
        + _table(["figure", "TP", "pred", "gold", "P", "R", "F1", ci], rows, markdown)
        + f"\n\ntype accuracy on matched quotes ({report.config.match}): {_f(t.value)} {_ci(t.ci)}".rstrip()
    )
    st = figs["stances"]
    acc = figs["stances.polarity_accuracy"]
    mf = figs["stances.polarity_macro_f"]
    matrix = report.confusion
    rows = [[g] + [str(matrix[g][p]) for p in POLARITIES] for g in POLARITIES]
    out.append(
        ("## Stances\n\n" if markdown else "Stances\n")
        + _table(["figure", "TP", "pred", "gold", "P", "R", "F1", ci], [_prf_row("triples", st, [_n(st.counts["tp"]), _n(st.counts["predicted"]), _n(st.counts["gold"])])], markdown)
        + f"\n\npolarity on matched (holder, target) pairs: accuracy {_f(acc.value)} {_ci(acc.ci)}".rstrip()
        + f"\npolarity macro-F (mean of F support and F oppose): {_f(mf.value)} {_ci(mf.ci)}".rstrip()
        + "\n\n"
        + ("confusion (rows gold, columns predicted)\n\n" if markdown else "confusion (rows gold, columns predicted)\n")
        + _table(["gold \\ pred", *POLARITIES], rows, markdown)
    )
    rows = []
    for name, f in report.macro.items():
        if "[" in name:
            continue
        if f.kind == "prf":
            rows.append([name, _f(f.precision), _f(f.recall), _f(f.f1), str(f.counts.get("documents", 0))])
        else:
            rows.append([name, "", "", _f(f.value), str(f.counts.get("documents", 0))])
    out.append(
        ("## Macro averages (mean over documents)\n\n" if markdown else "Macro averages (mean over documents where the figure is defined)\n")
        + _table(["figure", "P", "R", "F1 / value", "documents"], rows, markdown)
    )
    if report.per_document is not None:
        rows = [
            [d["id"], "missing" if d["missing"] else ""] + [_f(d[k]["f1"]) for k in HEADLINE_LABELS]
            for d in report.per_document
        ]
        out.append(
            ("## Per document (F1)\n\n" if markdown else "Per document (F1)\n")
            + _table(["document", "", *HEADLINE_LABELS], rows, markdown)
        )
    return out


def render(report: "ScoreReport", fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return _csv(report)
    markdown = fmt == "markdown"
    if fmt not in ("text", "markdown"):
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    missing = f" ({len(report.missing)} missing from the predictions)" if report.missing else ""
    title = f"whosaidwhat score: {report.documents} document(s){missing}"
    parts = [("# " if markdown else "") + title, ("`" + report.signature + "`") if markdown else report.signature]
    parts += _sections(report, markdown)
    if report.warnings:
        parts.append(("## Warnings\n\n" if markdown else "Warnings\n") + "\n".join(("- " if markdown else "warning: ") + w for w in report.warnings))
    return "\n\n".join(parts) + "\n"


def _csv(report: "ScoreReport") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["signature", "average", "figure", "precision", "recall", "f1", "value", "ci_low", "ci_high", "tp", "predicted", "gold"])
    for average, figs in (("micro", report.figures), ("macro", report.macro)):
        for name, f in figs.items():
            lo, hi = f.ci if f.ci is not None else (None, None)
            w.writerow([
                report.signature, average, name,
                *(("" if x is None else repr(float(x))) for x in (f.precision, f.recall, f.f1, f.value, lo, hi)),
                *(_n(f.counts[k]) if k in f.counts else "" for k in ("tp", "predicted", "gold")),
            ])
    if report.per_document is not None:
        for d in report.per_document:
            for key in HEADLINE_LABELS:
                v = d[key]
                w.writerow([report.signature, "document:" + d["id"], key, *(("" if v[m] is None else repr(v[m])) for m in ("precision", "recall", "f1")), "", "", "", "", "", ""])
    return buf.getvalue()


def render_comparison(report: "ComparisonReport", fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    rows = [
        [c.figure, _f(c.a), _f(c.b), "—" if c.delta is None else f"{c.delta:+.4f}", _ci(c.delta_ci),
         "—" if c.p_bootstrap is None else f"{c.p_bootstrap:.4f}",
         "—" if c.p_randomization is None else f"{c.p_randomization:.4f}"]
        for c in report.comparisons
    ]
    header = ["figure", "A", "B", "Δ (A−B)", "Δ 95% CI", "p (paired bootstrap)", "p (approx. randomisation)"]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["signature", *header])
        for c in report.comparisons:
            lo, hi = c.delta_ci if c.delta_ci else (None, None)
            w.writerow([report.signature, c.figure, *(("" if x is None else repr(x)) for x in (c.a, c.b, c.delta)),
                        f"{lo},{hi}" if lo is not None else "", *(("" if x is None else repr(x)) for x in (c.p_bootstrap, c.p_randomization))])
        return buf.getvalue()
    markdown = fmt == "markdown"
    if fmt not in ("text", "markdown"):
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    parts = [
        ("# " if markdown else "") + f"whosaidwhat compare: {report.documents} document(s); A = {report.name_a}, B = {report.name_b}",
        ("`" + report.signature + "`") if markdown else report.signature,
        _table(header, rows, markdown),
        f"p-values: paired bootstrap over documents ({report.resamples} resamples; share of resamples in which the "
        f"winner on the full set does not win) and approximate randomisation ({report.trials} trials; two-sided).",
    ]
    if report.warnings:
        parts.append("\n".join(("- " if markdown else "warning: ") + w for w in report.warnings))
    return "\n\n".join(parts) + "\n"

