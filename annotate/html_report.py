"""A self-contained HTML page that shows where each extractor succeeds and fails.

For each document and each extractor the text is shown once with every layer marked:
predicted quotes that match gold (true positives) and those that do not (false positives),
gold quotes no prediction found (false negatives), the same for actor mentions, the cues,
and for each predicted quote a numbered link from the quote to its speaker's mention and
back.  Matching comes from the scorer's alignment (`whosaidwhat.eval.align.align_document`),
so the page shows exactly what the scores count.  Every piece of text from the documents is
HTML-escaped; the page has no scripts and loads nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Iterable

from whosaidwhat.corpus.model import Document

CSS = """
body{font:15px/1.55 system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2.5em;border-top:1px solid #ccc;padding-top:1em}
h3{font-size:1em;margin:1.2em 0 .3em}
.text{white-space:pre-wrap;background:#fafafa;border:1px solid #e3e3e3;padding:.8em 1em;border-radius:4px}
.tp-quote{background:#c9efc9}.fp-quote{background:#ffd2c2}
.fn-quote{text-decoration:underline wavy #d00;text-decoration-thickness:1.5px}
.gold-quote{text-decoration:underline #777}
.tp-mention{border-bottom:2px solid #2a62c9}.fp-mention{border-bottom:2px dashed #e07b00}
.fn-mention{border-bottom:2px dotted #d00}
.cue{font-weight:700}
sup a{font-size:.75em;text-decoration:none;color:#2a62c9;margin-left:1px}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ddd;padding:.2em .5em;vertical-align:top;text-align:left}
th{background:#f0f0f0}.ok{color:#187018}.bad{color:#c00}.legend span{margin-right:1.2em;padding:0 .2em}
.small{font-size:.85em;color:#555}
"""

LEGEND = (
    '<p class="legend"><span class="tp-quote">predicted quote, matches gold</span>'
    '<span class="fp-quote">predicted quote, no gold match (FP)</span>'
    '<span class="fn-quote">gold quote missed (FN)</span>'
    '<span class="gold-quote">gold quote (found)</span><span class="cue">cue</span><br>'
    '<span class="tp-mention">predicted mention, matches gold</span>'
    '<span class="fp-mention">predicted mention, no gold match (FP)</span>'
    '<span class="fn-mention">gold mention missed (FN)</span>'
    "<span><sup><a>q3</a></sup> after a mention: the speaker of predicted quote q3 (links both ways)</span></p>"
)


@dataclass
class _Marks:
    """Character ranges with CSS classes and tooltips, and HTML to insert at offsets."""

    spans: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, class, title
    anchors: dict[int, list[str]] = field(default_factory=dict)  # offset -> raw HTML (already escaped)

    def add(self, start: int, end: int, css: str, title: str) -> None:
        if end > start:
            self.spans.append((start, end, css, title))

    def insert(self, offset: int, markup: str) -> None:
        self.anchors.setdefault(offset, []).append(markup)


def render_text(text: str, marks: _Marks) -> str:
    """The text cut at every mark boundary, each piece in a span with the classes covering it."""
    bounds = {0, len(text)}
    for s, e, _, _ in marks.spans:
        bounds.update((s, e))
    bounds.update(o for o in marks.anchors if 0 <= o <= len(text))
    points = sorted(b for b in bounds if 0 <= b <= len(text))
    # Sweep: spans sorted by start; keep the active ones.
    ordered = sorted(marks.spans, key=lambda m: m[0])
    out: list[str] = []
    active: list[tuple[int, int, str, str]] = []
    k = 0
    for a, b in zip(points, points[1:] + [None]):  # type: ignore[operator]
        out.extend(marks.anchors.get(a, []))
        if b is None:
            break
        while k < len(ordered) and ordered[k][0] <= a:
            active.append(ordered[k])
            k += 1
        active = [m for m in active if m[1] > a]
        piece = html.escape(text[a:b])
        covering = [m for m in active if m[0] <= a and b <= m[1]]
        if covering:
            classes = " ".join(sorted({m[2] for m in covering}))
            title = html.escape("; ".join(dict.fromkeys(m[3] for m in covering)), quote=True)
            out.append(f'<span class="{classes}" title="{title}">{piece}</span>')
        else:
            out.append(piece)
    return "".join(out)


def _document_view(gold: Document, pred: Document, alignment: Any | None, prefix: str) -> tuple[str, str]:
    """The marked text and the quote table of one extractor's predictions for one document."""
    text = gold.text or ""
    marks = _Marks()
    actor_names = {a.id: a.name for a in pred.actors}
    gold_actor_names = {a.id: a.name for a in gold.actors}

    matched_pred: dict[int, Any] = {}
    matched_gold: set[int] = set()
    if alignment is not None:
        for pair in alignment.quotes:
            matched_pred[pair.pred_index] = pair
            matched_gold.add(pair.gold_index)
        fp_mentions = {tuple(k) for k in alignment.unmatched_pred_mentions}
        fn_mentions = {tuple(k) for k in alignment.unmatched_gold_mentions}
    else:
        fp_mentions = fn_mentions = set()

    for gi, q in enumerate(gold.quotes):
        found = gi in matched_gold
        css = "gold-quote" if found else "fn-quote"
        for span in q.content:
            speaker = gold_actor_names.get(q.speaker or "", "unattributed")
            marks.add(span.start, span.end, css, f"gold {q.id} ({q.type}, speaker {speaker})" + ("" if found else ": missed"))
    for a in gold.actors:
        for m in a.mentions:
            if (m.start, m.end) in fn_mentions:
                marks.add(m.start, m.end, "fn-mention", f"gold mention of {a.name} ({a.id}): missed")

    for a in pred.actors:
        for m in a.mentions:
            css = "fp-mention" if (m.start, m.end) in fp_mentions else "tp-mention"
            marks.add(m.start, m.end, css, f"predicted mention of {a.name} ({a.id}, {a.type})")

    rows: list[str] = []
    for pi, q in enumerate(pred.quotes):
        pair = matched_pred.get(pi)
        css = "tp-quote" if pair is not None or alignment is None else "fp-quote"
        anchor = f"{prefix}-{pi}"
        for span in q.content:
            marks.add(span.start, span.end, css, f"predicted {q.id} ({q.type})" + ("" if pair or alignment is None else ": no gold match"))
        marks.insert(q.content[0].start, f'<a id="{anchor}"></a>')
        if q.cue is not None:
            marks.add(q.cue.start, q.cue.end, "cue", f"cue of predicted {q.id}")
        speaker_cell = "—"
        if q.speaker is not None:
            name = html.escape(actor_names.get(q.speaker, q.speaker))
            if q.speaker_mention is not None:
                marks.insert(q.speaker_mention.end, f'<sup><a id="{anchor}-speaker" href="#{anchor}">{html.escape(q.id)}</a></sup>')
                speaker_cell = f'<a href="#{anchor}-speaker">{name}</a> (“{html.escape(q.speaker_mention.text)}”)'
            else:
                speaker_cell = name
        if alignment is None:
            verdict = ""
        elif pair is None:
            verdict = '<span class="bad">FP: no gold quote</span>'
        else:
            gold_quote = gold.quotes[pair.gold_index]
            gold_speaker = html.escape(gold_actor_names.get(gold_quote.speaker or "", "unattributed"))
            speaker_ok = '<span class="ok">speaker ✓</span>' if pair.speaker_correct else f'<span class="bad">speaker ✗ (gold: {gold_speaker})</span>'
            type_ok = "" if pair.type_correct else f' <span class="bad">type ✗ (gold: {html.escape(gold_quote.type)})</span>'
            verdict = f'<span class="ok">TP</span> ↔ gold {html.escape(gold_quote.id)} (coverage {pair.coverage:.2f}); {speaker_ok}{type_ok}'
        content = " … ".join(s.text for s in q.content)
        rows.append(
            f'<tr><td><a href="#{anchor}">{html.escape(q.id)}</a></td><td>{html.escape(q.type)}</td>'
            f"<td>{html.escape(_shorten(content))}</td><td>{html.escape(q.cue.text) if q.cue else '—'}</td>"
            f"<td>{speaker_cell}</td><td>{verdict}</td></tr>"
        )
    if alignment is not None:
        for gi in alignment.unmatched_gold_quotes:
            q = gold.quotes[gi]
            speaker = html.escape(gold_actor_names.get(q.speaker or "", "unattributed"))
            content = " … ".join(s.text for s in q.content)
            rows.append(
                f"<tr><td>gold {html.escape(q.id)}</td><td>{html.escape(q.type)}</td><td>{html.escape(_shorten(content))}</td>"
                f"<td>{html.escape(q.cue.text) if q.cue else '—'}</td><td>{speaker}</td>"
                f'<td><span class="bad">FN: missed</span></td></tr>'
            )
    table = ""
    if rows:
        table = (
            "<table><tr><th>quote</th><th>type</th><th>content</th><th>cue</th><th>speaker</th><th>against gold</th></tr>"
            + "".join(rows) + "</table>"
        )
    stance_rows = _stance_rows(gold, pred, alignment)
    return render_text(text, marks), table + stance_rows


def _stance_rows(gold: Document, pred: Document, alignment: Any | None) -> str:
    if not pred.stances and not gold.stances:
        return ""
    names = {a.id: a.name for a in pred.actors}
    targets = {t.id: t.label for t in pred.targets}
    matched = {p.pred_id: p for p in alignment.stances} if alignment is not None else {}
    rows = []
    for s in pred.stances:
        pair = matched.get(s.id)
        if alignment is None:
            verdict = ""
        elif pair is None:
            verdict = '<span class="bad">FP</span>'
        else:
            verdict = '<span class="ok">TP</span>' if pair.correct else f'<span class="bad">polarity ✗ (gold: {html.escape(pair.gold_polarity)})</span>'
        rows.append(
            f"<tr><td>{html.escape(names.get(s.holder, s.holder))}</td><td>{html.escape(s.polarity)}</td>"
            f"<td>{html.escape(targets.get(s.target, s.target))}</td><td>{html.escape(', '.join(s.evidence.quotes))}</td><td>{verdict}</td></tr>"
        )
    if alignment is not None:
        g_names = {a.id: a.name for a in gold.actors}
        g_targets = {t.id: t.label for t in gold.targets}
        by_id = {s.id: s for s in gold.stances}
        for sid in alignment.unmatched_gold_stances:
            s = by_id[sid]
            rows.append(
                f"<tr><td>{html.escape(g_names.get(s.holder, s.holder))}</td><td>{html.escape(s.polarity)}</td>"
                f"<td>{html.escape(g_targets.get(s.target, s.target))}</td><td>gold {html.escape(s.id)}</td>"
                f'<td><span class="bad">FN: missed</span></td></tr>'
            )
    return ("<table><tr><th>holder</th><th>polarity</th><th>target</th><th>evidence</th><th>against gold</th></tr>"
            + "".join(rows) + "</table>")


def _shorten(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_report(
    title: str,
    gold: list[Document],
    systems: Iterable[tuple[str, list[Document], list[Any] | None]],
    summary_html: str = "",
) -> str:
    """The whole page: a summary, then every document once per system.

    `systems` holds ``(name, predictions in gold order, alignments in gold order or None)``.
    """
    systems = list(systems)
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        summary_html,
        LEGEND,
        "<p>Documents: " + ", ".join(
            f'<a href="#d{i}">{html.escape(d.id)}</a>' for i, d in enumerate(gold)
        ) + "</p>",
    ]
    for i, doc in enumerate(gold):
        heading = doc.meta.get("title") if isinstance(doc.meta.get("title"), str) else None
        parts.append(f'<h2 id="d{i}">{html.escape(heading or doc.id)} <span class="small">({html.escape(doc.id)})</span></h2>')
        for k, (name, predictions, alignments) in enumerate(systems):
            pred = predictions[i]
            alignment = alignments[i] if alignments is not None else None
            body, tables = _document_view(doc, pred, alignment, f"d{i}s{k}")
            counts = f"{len(pred.actors)} actors, {len(pred.quotes)} quotes, {len(pred.stances)} stances predicted; gold has {len(doc.actors)}, {len(doc.quotes)}, {len(doc.stances)}"
            parts.append(f"<h3>{html.escape(name)} <span class=\"small\">{html.escape(counts)}</span></h3>")
            parts.append(f'<div class="text">{body}</div>{tables}')
    parts.append("</body></html>")
    return "\n".join(parts)
