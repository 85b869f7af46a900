"""doccano relation JSONL, both ways.

One line per document: ``{"text", "entities": [{"id", "label", "start_offset",
"end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}], "doc_id",
"whosaidwhat": key}``.  doccano keeps unknown top-level fields as metadata, so
the key and our document id survive an import into doccano and its export.

doccano has one flat label set per project, so the region labels of
`formats.graph` are prefixed by layer: actor types as they are (``PERSON``),
``QUOTE-direct``/``QUOTE-indirect``/``QUOTE-mixed``, ``CUE`` and
``TARGET-proposal`` …; relation types are the link labels (``coref``,
``continues``, ``cue``, ``speaker``, ``is_actor``, ``support`` …).  doccano
spans are single and have no attributes: a split quote is several entities
joined by ``continues``, and the mention kind travels in the key only (a new
mention drawn in doccano has no kind).  Entity ids are doccano's integers;
nothing depends on them surviving, as the key is matched by offsets.

Older sequence-labelling exports (``"label": [[start, end, "LABEL"], ...]``)
are read too; they have no relations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from whosaidwhat.corpus.jsonl import atomic_write_json_lines, read_json_lines
from whosaidwhat.corpus.model import Document
from whosaidwhat.corpus.problems import CorpusError, Problem

from .graph import ACTOR, CONTENT, CUE, CUE_LABEL, LABELS, TARGET, Graph, Link, Region, from_graph, to_graph
from .key import make_key
from .report import ConversionReport, Where, documents_or_problems

_PREFIX = {CONTENT: "QUOTE-", TARGET: "TARGET-"}


def label_of(region: Region) -> str:
    return _PREFIX.get(region.layer, "") + region.label


def region_of(label: str) -> tuple[str, str] | None:
    """(layer, our label) of a doccano label, or None when it is not ours."""
    if label == CUE_LABEL:
        return CUE, label
    for layer, prefix in _PREFIX.items():
        if label.startswith(prefix) and label[len(prefix):] in LABELS[layer]:
            return layer, label[len(prefix):]
    return (ACTOR, label) if label in LABELS[ACTOR] else None


def to_record(doc: Document, report: ConversionReport, number: int) -> dict[str, Any]:
    graph = to_graph(doc, report, discontinuous=False)
    entity_id = {r.id: i for i, r in enumerate(graph.regions, 1)}
    return {
        "id": number,
        "text": doc.text or "",
        "entities": [
            {"id": entity_id[r.id], "label": label_of(r), "start_offset": r.spans[0][0], "end_offset": r.spans[0][1]}
            for r in graph.regions
        ],
        "relations": [
            {"id": i, "from_id": entity_id[link.source], "to_id": entity_id[link.target], "type": link.label}
            for i, link in enumerate(graph.links, 1)
        ],
        "doc_id": doc.id,
        "whosaidwhat": make_key(doc),
    }


def write_jsonl(path: str | Path, documents: Iterable[Document], report: ConversionReport) -> None:
    def records() -> Iterable[dict[str, Any]]:
        for number, doc in enumerate(documents, 1):
            report.documents += 1
            yield to_record(doc, report, number)

    atomic_write_json_lines(path, records())


def _graph_of(record: dict[str, Any], where: Where) -> Graph:
    problems: list[Problem] = []
    regions: list[Region] = []
    raw_entities = record.get("entities")
    if raw_entities is None and isinstance(record.get("label"), list):
        raw_entities = [
            {"id": f"label[{i}]", "start_offset": x[0], "end_offset": x[1], "label": x[2]}
            for i, x in enumerate(record["label"]) if isinstance(x, list) and len(x) == 3
        ]
    for i, entity in enumerate(raw_entities or []):
        fld = f"entities[{i}]"
        if not isinstance(entity, dict):
            problems.append(where.problem(fld, "expected an object"))
            continue
        start, end, label = entity.get("start_offset"), entity.get("end_offset"), entity.get("label")
        mapped = region_of(label) if isinstance(label, str) else None
        if not isinstance(start, int) or not isinstance(end, int) or "id" not in entity:
            problems.append(where.problem(fld, "an entity needs an id and integer start_offset and end_offset"))
        elif mapped is None:
            problems.append(where.problem(f"{fld}.label", f"{label!r} is not a whosaidwhat label (actor types, "
                                          "QUOTE-<type>, CUE, TARGET-<kind>)"))
        else:
            regions.append(Region(str(entity["id"]), mapped[0], mapped[1], ((start, end),)))
    links = []
    for i, relation in enumerate(record.get("relations") or []):
        if not isinstance(relation, dict) or not all(k in relation for k in ("from_id", "to_id", "type")):
            problems.append(where.problem(f"relations[{i}]", "a relation needs from_id, to_id and type"))
            continue
        links.append(Link(str(relation["type"]), str(relation["from_id"]), str(relation["to_id"]), f"relations[{i}]"))
    if problems:
        raise CorpusError(problems)
    return Graph(regions, links)


def read_jsonl(path: str | Path, report: ConversionReport) -> list[Document]:
    documents: list[Document] = []
    problems: list[Problem] = []
    for line in read_json_lines(path):
        if isinstance(line, Problem):
            problems.append(line)
            continue
        record = line.value
        key = record.get("whosaidwhat")
        doc_id = str((key.get("id") if isinstance(key, dict) else None) or record.get("doc_id")
                     or f"doccano-{record.get('id', line.line)}")
        where = Where(line.file, line.line, doc_id)
        text = record.get("text")
        if not isinstance(text, str):
            problems.append(where.problem("text", "missing or not a string"))
            continue
        report.keep(documents, problems, lambda: from_graph(_graph_of(record, where), text=text, where=where,
                                                            report=report, doc_id=doc_id, key=key))
    return documents_or_problems(documents, problems)
