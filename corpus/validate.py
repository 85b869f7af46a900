"""Consistency checks of parsed documents: offsets, covered text, ids and references.

`check_document` is a pure function from one document to its problems, used by
the validator, by the loaders and by the scorer alike; `validate_files` adds
what only a whole file can show (duplicate document ids) and turns everything
into `Problem` records with file and line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .jsonl import expand_paths, read_documents
from .model import Document, Span
from .parse import FieldProblem
from .problems import Problem


def check_spans(text: str, spans: Iterable[tuple[str, Span]]) -> Iterator[FieldProblem]:
    """Each span must lie inside the text, be non-empty and repeat the text it covers."""
    n = len(text)
    for path, span in spans:
        if span.start < 0 or span.end > n:
            yield path, f"offsets [{span.start}, {span.end}) out of range for a text of {n} characters"
        elif span.start >= span.end:
            yield path, f"start {span.start} must be less than end {span.end}"
        elif text[span.start : span.end] != span.text:
            yield path, (
                f"text {span.text!r} does not match the document text at [{span.start}, {span.end}), "
                f"which is {text[span.start:span.end]!r}"
            )


def document_spans(doc: Document) -> Iterator[tuple[str, Span]]:
    """Every span of a document with its JSON path."""
    for i, actor in enumerate(doc.actors):
        for j, m in enumerate(actor.mentions):
            yield f"actors[{i}].mentions[{j}]", m.span
    for i, quote in enumerate(doc.quotes):
        for j, s in enumerate(quote.content):
            yield f"quotes[{i}].content[{j}]", s
        if quote.cue is not None:
            yield f"quotes[{i}].cue", quote.cue
        if quote.speaker_mention is not None:
            yield f"quotes[{i}].speaker_mention", quote.speaker_mention
    for i, target in enumerate(doc.targets):
        for j, s in enumerate(target.mentions):
            yield f"targets[{i}].mentions[{j}]", s
    for i, stance in enumerate(doc.stances):
        for j, s in enumerate(stance.evidence.spans):
            yield f"stances[{i}].evidence.spans[{j}]", s


def check_document(doc: Document) -> list[FieldProblem]:
    """All consistency problems of one parsed document (shape problems are the parser's)."""
    problems: list[FieldProblem] = []
    if doc.text is not None:
        problems.extend(check_spans(doc.text, document_spans(doc)))
    problems.extend(_check_ids(doc))
    problems.extend(_check_references(doc))
    return problems


def _check_ids(doc: Document) -> Iterator[FieldProblem]:
    # Ids are unique across all layers of a document, so that an evidence or
    # speaker reference can never be ambiguous.
    seen: dict[str, str] = {}
    layers = (("actors", doc.actors), ("quotes", doc.quotes), ("targets", doc.targets), ("stances", doc.stances))
    for layer, items in layers:
        for i, item in enumerate(items):
            path = f"{layer}[{i}].id"
            if item.id in seen:
                yield path, f"duplicate id {item.id!r} (first used at {seen[item.id]})"
            else:
                seen[item.id] = path


def _check_references(doc: Document) -> Iterator[FieldProblem]:
    actors = doc.actor_by_id()
    quote_ids = {q.id for q in doc.quotes}
    target_ids = {t.id for t in doc.targets}

    mention_owner: dict[tuple[int, int], str] = {}
    for i, actor in enumerate(doc.actors):
        if actor.affiliation is not None:
            if actor.affiliation not in actors:
                yield f"actors[{i}].affiliation", f"unknown actor id {actor.affiliation!r}"
            elif actor.affiliation == actor.id:
                yield f"actors[{i}].affiliation", "an actor cannot be affiliated with itself"
        for j, m in enumerate(actor.mentions):
            owner = mention_owner.get(m.key)
            if owner == actor.id:
                yield f"actors[{i}].mentions[{j}]", f"mention [{m.start}, {m.end}) is listed twice"
            elif owner is not None:
                yield f"actors[{i}].mentions[{j}]", (
                    f"mention [{m.start}, {m.end}) {m.text!r} is also a mention of actor {owner!r}"
                )
            else:
                mention_owner[m.key] = actor.id

    for i, quote in enumerate(doc.quotes):
        spans = sorted(quote.content, key=lambda s: s.start)
        for a, b in zip(spans, spans[1:]):
            if b.start < a.end:
                yield f"quotes[{i}].content", f"content spans [{a.start}, {a.end}) and [{b.start}, {b.end}) overlap"
        if quote.speaker is not None:
            speaker = actors.get(quote.speaker)
            if speaker is None:
                yield f"quotes[{i}].speaker", f"unknown actor id {quote.speaker!r}"
            elif quote.speaker_mention is not None and quote.speaker_mention.key not in {
                m.key for m in speaker.mentions
            }:
                sm = quote.speaker_mention
                yield f"quotes[{i}].speaker_mention", (
                    f"[{sm.start}, {sm.end}) {sm.text!r} is not a mention of the speaker {quote.speaker!r}"
                )
        elif quote.speaker_mention is not None:
            yield f"quotes[{i}].speaker_mention", "a speaker mention is given but the speaker is null"

    for i, target in enumerate(doc.targets):
        if target.actor is not None and target.actor not in actors:
            yield f"targets[{i}].actor", f"unknown actor id {target.actor!r}"
        if target.actor is None and target.kind == "actor":
            yield f"targets[{i}].actor", "a target of kind 'actor' must name its actor"

    triples: Counter[tuple[str, str, str]] = Counter()
    for i, stance in enumerate(doc.stances):
        if stance.holder not in actors:
            yield f"stances[{i}].holder", f"unknown actor id {stance.holder!r}"
        if stance.target not in target_ids:
            yield f"stances[{i}].target", f"unknown target id {stance.target!r}"
        for j, q in enumerate(stance.evidence.quotes):
            if q not in quote_ids:
                yield f"stances[{i}].evidence.quotes[{j}]", f"unknown quote id {q!r}"
        triple = (stance.holder, stance.target, stance.polarity)
        triples[triple] += 1
        if triples[triple] == 2:
            yield f"stances[{i}]", f"the same stance ({', '.join(triple)}) is annotated twice; merge the evidence"


@dataclass
class ValidationReport:
    files: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_files(paths: Iterable[str | Path], *, prediction: bool = False) -> ValidationReport:
    """Validate every document of every file; document ids must be unique across the files."""
    report = ValidationReport()
    first_seen: dict[str, tuple[str, int]] = {}
    files = expand_paths(paths)
    if not files:
        report.problems.append(Problem(", ".join(map(str, paths)) or "-", None, None, "file", "no .jsonl files found"))
    for file in files:
        report.files.append(str(file))
        for parsed in read_documents(file, prediction=prediction):
            report.problems.extend(parsed.problems)
            doc = parsed.document
            if doc is None:
                continue
            report.problems.extend(
                Problem(parsed.file, parsed.line, doc.id, path, msg) for path, msg in check_document(doc)
            )
            if doc.id in first_seen:
                where = first_seen[doc.id]
                report.problems.append(
                    Problem(parsed.file, parsed.line, doc.id, "id", f"duplicate document id (first at {where[0]}:{where[1]})")
                )
            else:
                first_seen[doc.id] = (parsed.file, parsed.line)
            report.documents.append(doc)
    return report
