"""Discourse Network Analyzer (DNA) event list: one CSV row per coded statement (export only).

DNA codes a *statement* — a passage of an article — with a person, an
organisation, a concept and an agreement qualifier; a discourse network is then
built from who (dis)agrees with which concept.  Our stances are exactly that:
holder → person and/or organisation, target → concept, polarity → agreement,
evidence → the statement text.  Columns:

``statement_id``, ``time`` (meta.date), ``document_id``, ``document_title``,
``document_source``, ``person`` (the holder's name if a PERSON), ``organization``
(the holder's name if not a PERSON, else the name of the actor the person is
affiliated with), ``concept`` (the target's label), ``agreement`` (1 support,
0 oppose, empty for neutral: DNA's qualifier is boolean), ``position``
(support/oppose/neutral, so that neutral stances are not lost),
``holder_type``, ``target_kind``, ``text`` (the evidence passage: a quote's
content, parts joined by " … ", or an evidence span) and ``quote_id``.

A stance with several pieces of evidence gives one row per piece (DNA codes
passages, not relations); a stance without evidence gives one row with empty
text.  Everything else — offsets, mentions, cues, speakers, quotes that are no
stance's evidence, roles — has no column and is listed in a warning.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable

from whosaidwhat.corpus.jsonl import atomic_write_text
from whosaidwhat.corpus.model import Document

from .report import ConversionReport

COLUMNS: tuple[str, ...] = (
    "statement_id", "time", "document_id", "document_title", "document_source", "person", "organization",
    "concept", "agreement", "position", "holder_type", "target_kind", "text", "quote_id",
)
AGREEMENT = {"support": "1", "oppose": "0", "neutral": ""}


def statements(doc: Document, report: ConversionReport) -> Iterable[dict[str, Any]]:
    """The rows of one document."""
    actors = doc.actor_by_id()
    targets = {t.id: t for t in doc.targets}
    quotes = {q.id: q for q in doc.quotes}
    cited: set[str] = set()
    for stance in doc.stances:
        holder, target = actors[stance.holder], targets[stance.target]
        affiliation = actors.get(holder.affiliation or "")
        base = {
            "time": doc.meta.get("date", ""),
            "document_id": doc.id,
            "document_title": doc.meta.get("title", ""),
            "document_source": doc.meta.get("source", ""),
            "person": holder.name if holder.type == "PERSON" else "",
            "organization": holder.name if holder.type != "PERSON" else (affiliation.name if affiliation else ""),
            "concept": target.label,
            "agreement": AGREEMENT[stance.polarity],
            "position": stance.polarity,
            "holder_type": holder.type,
            "target_kind": target.kind,
        }
        evidence = [(q, " … ".join(s.text for s in quotes[q].content)) for q in stance.evidence.quotes]
        evidence += [("", s.text) for s in stance.evidence.spans]
        cited.update(q for q, _ in evidence if q)
        for n, (quote_id, passage) in enumerate(evidence or [("", "")], 1):
            yield {**base, "statement_id": f"{doc.id}/{stance.id}/{n}", "text": passage, "quote_id": quote_id}
    uncited = [q.id for q in doc.quotes if q.id not in cited]
    dropped = []
    if uncited:
        dropped.append(f"{len(uncited)} quote(s) that are no stance's evidence ({', '.join(uncited)})")
    mentions = sum(len(a.mentions) for a in doc.actors) + sum(len(t.mentions) for t in doc.targets)
    if mentions or doc.quotes:
        dropped.append("all offsets, mentions, cues and speaker links")
    if any(a.role for a in doc.actors):
        dropped.append("actor roles")
    if any(a.id not in {s.holder for s in doc.stances} for a in doc.actors):
        dropped.append("actors who hold no stance")
    if dropped:
        report.warn(doc.id, "document", "*", "", "DNA holds stances as statements only; dropped: " + "; ".join(dropped))


def write_csv(path: str | Path, documents: Iterable[Document], report: ConversionReport) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for doc in documents:
        writer.writerows(statements(doc, report))
        report.documents += 1
    atomic_write_text(path, buffer.getvalue())
