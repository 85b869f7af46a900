"""Label Studio: a generated labeling config, tasks with predictions, and exports read back.

Mapping (see README.md in this directory for the full table):

- the labeling config has one ``Text`` object (``$text``) and three ``Labels``
  controls — ``actor`` (actor types), ``quote`` (quote types and ``CUE``) and
  ``target`` (target kinds) — a per-region ``Choices`` control ``mention_kind``
  shown when an actor region is selected, and ``Relations`` with the link
  labels of `formats.graph` (``coref``, ``continues``, ``cue``, ``speaker``,
  ``is_actor``, ``support``, ``oppose``, ``neutral``);
- **actor identity is expressed by ``coref`` relations** between mentions (each
  mention to its antecedent): an actor is a connected group of actor regions.
  A split quote is several quote regions joined by ``continues`` relations;
- a task is ``{"data": {"text", "doc_id", "title"}, "meta": {"whosaidwhat": key},
  "predictions": [{"model_version", "result"}]}``; region ids are derived from
  our ids (``a1-m1``, ``q2-c1``, ``q2-cue``, ``t1-m1``) and come back unchanged
  in an export of accepted predictions;
- an export (a JSON list of tasks with ``annotations[].result``) is read back
  from the latest non-cancelled annotation of each task (or, for a task nobody
  annotated, its latest prediction); other annotations are listed as warnings.
  `read_annotations` returns every annotation, for agreement studies.

Offsets are Unicode code points, as in our format and in Label Studio since it
stopped counting UTF-16 units; an export from an older version whose offsets
only match the region text as UTF-16 units is converted back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import orjson

from whosaidwhat.corpus.jsonl import atomic_write, atomic_write_text
from whosaidwhat.corpus.model import ACTOR_TYPES, MENTION_KINDS, QUOTE_TYPES, TARGET_KINDS, Document
from whosaidwhat.corpus.problems import CorpusError, Problem

from .graph import ACTOR, CONTENT, CUE, CUE_LABEL, LINK_LABELS, TARGET, Graph, Link, Region, from_graph, to_graph
from .key import make_key
from .report import ConversionReport, Where

TEXT_NAME = "text"
KIND_NAME = "mention_kind"
# Labels control name -> the labels it offers.
CONTROLS: dict[str, tuple[str, ...]] = {
    "actor": ACTOR_TYPES,
    "quote": (*QUOTE_TYPES, CUE_LABEL),
    "target": TARGET_KINDS,
}
_LAYER_CONTROL = {ACTOR: "actor", CONTENT: "quote", CUE: "quote", TARGET: "target"}


# --------------------------------------------------------------------------- config


def labeling_config() -> str:
    """The XML labeling config for actors, quotes and stances."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="Actors (coref: each mention to its antecedent), quotes "
                  "(content, CUE; continues/cue/speaker relations) and stances (support/oppose/neutral: "
                  "holder mention to target mention)")
    for name, labels in CONTROLS.items():
        control = ET.SubElement(view, "Labels", name=name, toName=TEXT_NAME, choice="single", showInline="true")
        for label in labels:
            ET.SubElement(control, "Label", value=label)
    ET.SubElement(view, "Text", name=TEXT_NAME, value="$text")
    relations = ET.SubElement(view, "Relations", choice="single")
    for label in LINK_LABELS:
        ET.SubElement(relations, "Relation", value=label)
    per_region = ET.SubElement(view, "View", visibleWhen="region-selected", whenTagName="actor")
    ET.SubElement(per_region, "Header", value="Mention kind")
    kinds = ET.SubElement(per_region, "Choices", name=KIND_NAME, toName=TEXT_NAME,
                          perRegion="true", choice="single", showInline="true")
    for kind in MENTION_KINDS:
        ET.SubElement(kinds, "Choice", value=kind)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


# --------------------------------------------------------------------------- export


def _region_items(region: Region, text: str) -> list[dict[str, Any]]:
    start, end = region.spans[0]
    value = {"start": start, "end": end, "text": text[start:end]}
    items = [{
        "id": region.id, "from_name": _LAYER_CONTROL[region.layer], "to_name": TEXT_NAME, "type": "labels",
        "value": {**value, "labels": [region.label]},
    }]
    if region.kind is not None:
        items.append({
            "id": region.id, "from_name": KIND_NAME, "to_name": TEXT_NAME, "type": "choices",
            "value": {**value, "choices": [region.kind]},
        })
    return items


def to_task(doc: Document, report: ConversionReport, *, model_version: str | None = None) -> dict[str, Any]:
    """One Label Studio task with the document's annotation as a prediction."""
    graph = to_graph(doc, report, discontinuous=False)
    text = doc.text or ""
    result: list[dict[str, Any]] = [item for r in graph.regions for item in _region_items(r, text)]
    result += [
        {"type": "relation", "from_id": link.source, "to_id": link.target, "direction": "right", "labels": [link.label]}
        for link in graph.links
    ]
    data: dict[str, Any] = {"text": text, "doc_id": doc.id}
    if doc.meta.get("title"):
        data["title"] = doc.meta["title"]
    version = model_version or "+".join(doc.annotators) or "whosaidwhat"
    return {"data": data, "meta": {"whosaidwhat": make_key(doc)}, "predictions": [{"model_version": version, "result": result}]}


def write_tasks(path: str | Path, documents: Iterable[Document], report: ConversionReport, *,
                model_version: str | None = None) -> None:
    tasks = []
    for doc in documents:
        tasks.append(to_task(doc, report, model_version=model_version))
        report.documents += 1
    atomic_write(path, lambda stream: stream.write(orjson.dumps(tasks, option=orjson.OPT_INDENT_2)))


def write_config(path: str | Path) -> None:
    atomic_write_text(path, labeling_config())


# --------------------------------------------------------------------------- import


def _utf16_to_code_points(text: str) -> list[int]:
    """Index i of the list: the code point offset of UTF-16 offset i (astral characters count twice)."""
    table = []
    for i, ch in enumerate(text):
        table.extend([i] * (2 if ord(ch) > 0xFFFF else 1))
    table.append(len(text))
    return table


def _locate(text: str, start: int, end: int, covered: Any, utf16: list[int] | None) -> tuple[int, int] | None:
    if not isinstance(covered, str) or text[start:end] == covered:
        return start, end
    if utf16 is not None and 0 <= start <= end < len(utf16):
        s, e = utf16[start], utf16[end]
        if text[s:e] == covered:
            return s, e
    return None


@dataclass
class TaskAnnotation:
    """One annotation (or prediction) of one task, as a document, with who made it."""

    task_index: int
    source: str  # "annotations[0]" or "predictions[1]"
    annotator: str
    document: Document


def _annotator(item: dict[str, Any], source: str) -> str:
    if source.startswith("predictions"):
        return str(item.get("model_version") or "prediction")
    who = item.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or who.get("username") or f"labelstudio-user-{who.get('id')}")
    return f"labelstudio-user-{who}" if who is not None else "labelstudio"


def _graph_of(result: Any, text: str, where: Where, prefix: str, report: ConversionReport, doc_id: str) -> Graph:
    problems: list[Problem] = []
    if not isinstance(result, list):
        raise where.error(f"{prefix}.result", "expected a list of result items")
    utf16 = _utf16_to_code_points(text) if any(ord(c) > 0xFFFF for c in text) else None
    regions: dict[str, Region] = {}
    kinds: dict[str, str] = {}
    links: list[Link] = []
    for j, item in enumerate(result):
        fld = f"{prefix}.result[{j}]"
        if not isinstance(item, dict):
            problems.append(where.problem(fld, "expected an object"))
            continue
        kind = item.get("type")
        if kind == "relation":
            labels = item.get("labels") or []
            if not isinstance(labels, list) or not labels:
                problems.append(where.problem(fld, f"relation {item.get('from_id')} -> {item.get('to_id')} has no label "
                                              f"(one of {', '.join(LINK_LABELS)})"))
            for label in labels if isinstance(labels, list) else []:
                links.append(Link(str(label), str(item.get("from_id")), str(item.get("to_id")), fld))
            continue
        value = item.get("value")
        name = item.get("from_name")
        if not isinstance(value, dict) or not isinstance(item.get("id"), str):
            problems.append(where.problem(fld, "a region needs an \"id\" and a \"value\" object"))
            continue
        if kind == "choices" and name == KIND_NAME:
            choices = value.get("choices") or []
            if len(choices) == 1:
                kinds[item["id"]] = choices[0]
            else:
                problems.append(where.problem(fld, f"expected one mention kind, got {choices!r}"))
            continue
        if kind != "labels" or name not in CONTROLS:
            report.warn(doc_id, "document", "*", "", f"{fld}: result of type {kind!r} from control {name!r} "
                        "is not part of the whosaidwhat labeling config: ignored")
            continue
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        if not isinstance(start, int) or not isinstance(end, int) or not isinstance(labels, list) or len(labels) != 1:
            problems.append(where.problem(fld, "a region needs integer start and end and exactly one label"))
            continue
        located = _locate(text, start, end, value.get("text"), utf16)
        if located is None:
            problems.append(where.problem(fld, f"region text {value.get('text')!r} does not match the task text at "
                                          f"[{start}, {end}), which is {text[start:end]!r}"))
            continue
        label = labels[0]
        layer = {"actor": ACTOR, "target": TARGET}.get(name) or (CUE if label == CUE_LABEL else CONTENT)
        if item["id"] in regions:
            problems.append(where.problem(fld, f"region id {item['id']!r} is labelled twice"))
            continue
        regions[item["id"]] = Region(item["id"], layer, label, (located,))
    for region_id, kind in kinds.items():
        if region_id in regions:
            regions[region_id].kind = kind
    if problems:
        raise CorpusError(problems)
    return Graph(list(regions.values()), links)


def read_annotations(path: str | Path, report: ConversionReport) -> list[TaskAnnotation]:
    """Every annotation and prediction of every task of an export, each as a document."""
    name = str(path)
    try:
        value = orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise Where(name).error("file", f"cannot read: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise Where(name).error("file", f"malformed JSON ({exc})") from None
    tasks = value if isinstance(value, list) else [value]
    out: list[TaskAnnotation] = []
    problems: list[Problem] = []
    for i, task in enumerate(tasks):
        where = Where(name, None, None)
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            problems.append(where.problem(f"[{i}]", "expected a task object with \"data\""))
            continue
        data = task["data"]
        meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
        key = meta.get("whosaidwhat") if meta else None
        doc_id = (key.get("id") if isinstance(key, dict) else None) or data.get("doc_id") or f"task-{task.get('id', i + 1)}"
        where = Where(name, None, str(doc_id))
        text = data.get("text")
        if not isinstance(text, str):
            problems.append(where.problem(f"[{i}].data.text", "missing or not a string"))
            continue
        sources = [(f"annotations[{k}]", a) for k, a in enumerate(task.get("annotations") or [])]
        sources += [(f"predictions[{k}]", p) for k, p in enumerate(task.get("predictions") or [])]
        for source, item in sources:
            if not isinstance(item, dict):
                problems.append(where.problem(f"[{i}].{source}", "expected an object"))
                continue
            if item.get("was_cancelled"):
                continue
            try:
                graph = _graph_of(item.get("result"), text, where, f"[{i}].{source}", report, str(doc_id))
                annotators = [_annotator(item, source)] if source.startswith("annotations") else None
                document = from_graph(graph, text=text, where=where, report=report, doc_id=str(doc_id),
                                      key=key, annotators=annotators)
            except CorpusError as exc:
                problems.extend(exc.problems)
                continue
            out.append(TaskAnnotation(i, source, _annotator(item, source), document))
        if not sources:
            # A task nobody annotated still becomes a (bare) document: the text is the corpus.
            try:
                document = from_graph(Graph(), text=text, where=where, report=report, doc_id=str(doc_id), key=key)
            except CorpusError as exc:
                problems.extend(exc.problems)
                continue
            out.append(TaskAnnotation(i, "data", "", document))
    if problems:
        raise CorpusError(problems)
    return out


def _recency(task_annotation: TaskAnnotation, tasks_raw: list[Any]) -> tuple[int, str]:
    kind, _, rest = task_annotation.source.partition("[")
    item = tasks_raw[task_annotation.task_index].get(kind, [])[int(rest.rstrip("]"))] if rest else {}
    stamp = str(item.get("updated_at") or item.get("created_at") or "") if isinstance(item, dict) else ""
    return (1 if kind == "annotations" else 0, stamp)


def read_tasks(path: str | Path, report: ConversionReport) -> list[Document]:
    """One document per task: its latest annotation, or its latest prediction when nobody annotated it."""
    annotations = read_annotations(path, report)
    raw = orjson.loads(Path(path).read_bytes())
    raw = raw if isinstance(raw, list) else [raw]
    by_task: dict[int, list[TaskAnnotation]] = {}
    for a in annotations:
        by_task.setdefault(a.task_index, []).append(a)
    documents = []
    for index in sorted(by_task):
        # Annotations before predictions, then by time; list order breaks ties (later wins).
        ranked = sorted(enumerate(by_task[index]), key=lambda p: (_recency(p[1], raw), p[0]))
        chosen = ranked[-1][1]
        for _, other in ranked[:-1]:
            report.warn(chosen.document.id, "document", "*", "", f"task {index}: {other.source} by {other.annotator} "
                        f"not converted (only {chosen.source} by {chosen.annotator} is; use read_annotations for all)")
        documents.append(chosen.document)
        report.documents += 1
    return documents
