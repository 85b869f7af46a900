"""brat standoff (a directory of ``.txt`` + ``.ann`` pairs), both ways, with a configurable mapping.

What brat types mean is not fixed: a `BratMapping` (JSON, see ``mappings/``)
says which entity types are actor mentions, quote contents, cues and targets,
which attributes carry the mention kind, quote type and target kind, which event
types are quotes (and what their roles are), which relation types are stances,
``is_actor`` or parts of an attribution, and which ``*`` types mean
coreference.  Two mappings ship:

- ``default`` — the layout ``convert --to brat`` writes (quotes as ``Quote``
  events whose trigger is the cue, ``Content``/``Speaker`` arguments and a
  ``QuoteType`` attribute; ``Equiv`` lines joining an actor's mentions;
  ``Support``/``Oppose``/``Neutral`` relations; a split quote is one
  discontinuous ``Content`` entity, ``0 3;5 8``);
- ``attribution`` — PARC/PolNeAR-style Source/Cue/Content annotation, joined by
  an ``Attribution`` event or by relations, read straight into quotes.

Reading goes through `formats.graph` like every span format; anything of the
``.ann`` the mapping does not cover (unknown types, notes, normalisations) is a
warning, and every ``T`` line's text is checked against the ``.txt`` so that an
``.ann`` of another document is refused.  Beside each pair the writer puts
``<name>.json``, the key (ids, names, evidence, metadata), and in the directory
an ``annotation.conf`` declaring the types for the brat server.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import orjson

from whosaidwhat.corpus.jsonl import atomic_write_text
from whosaidwhat.corpus.model import ACTOR_TYPES, MENTION_KINDS, POLARITIES, QUOTE_TYPES, TARGET_KINDS, Document
from whosaidwhat.corpus.problems import CorpusError, Problem

from .graph import (
    ACTOR,
    CONTENT,
    CONTINUES,
    COREF,
    CUE,
    CUE_LABEL,
    CUE_LINK,
    IS_ACTOR,
    SPEAKER,
    TARGET,
    Graph,
    Link,
    Region,
    from_graph,
    to_graph,
)
from .key import make_key
from .report import ConversionReport, Where, documents_or_problems

ATTRIBUTION = "attribution"
_FIELD_VALUES: dict[str, tuple[str, ...]] = {
    "kind": MENTION_KINDS,
    "quote_type": QUOTE_TYPES,
    "target_kind": TARGET_KINDS,
    "actor_type": ACTOR_TYPES,
}
_ROLES = ("content", "speaker", "cue")
_RELATION_MEANINGS = (*POLARITIES, IS_ACTOR, ATTRIBUTION)
BUILTIN_MAPPINGS = ("default", "attribution")


# --------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class EntityRule:
    layer: str  # actor, content, cue, target
    label: str | None  # the actor type or target kind every entity of this type has, if fixed


@dataclass(frozen=True)
class AttributeRule:
    field: str  # kind, quote_type, target_kind, actor_type
    values: dict[str, str] | None  # brat value -> ours (None: the same)


@dataclass(frozen=True)
class EventRule:
    trigger: str  # "cue": the trigger is the cue; "ignore": it repeats another argument
    roles: dict[str, str]  # brat role -> content, speaker or cue


@dataclass(frozen=True)
class BratMapping:
    name: str
    entities: dict[str, EntityRule]
    attributes: dict[str, AttributeRule]
    events: dict[str, EventRule]
    relations: dict[str, str]
    equiv: tuple[str, ...]
    default_actor_type: str
    default_quote_type: str
    default_target_kind: str

    @classmethod
    def from_json(cls, value: Any, source: str) -> "BratMapping":
        """Check and build a mapping; every problem names the mapping file and the field."""
        problems: list[Problem] = []

        def bad(fld: str, message: str) -> None:
            problems.append(Problem(source, None, None, fld, message))

        def section(name: str) -> dict[str, Any]:
            raw = value.get(name, {}) if isinstance(value, dict) else None
            if not isinstance(raw, dict):
                bad(name, "expected an object")
                return {}
            return raw

        if not isinstance(value, dict):
            raise CorpusError([Problem(source, None, None, "mapping", "expected a JSON object")])
        entities: dict[str, EntityRule] = {}
        for etype, rule in section("entities").items():
            layer = rule.get("layer") if isinstance(rule, dict) else None
            label = rule.get("label") if isinstance(rule, dict) else None
            allowed = {ACTOR: ACTOR_TYPES, TARGET: TARGET_KINDS, CONTENT: QUOTE_TYPES, CUE: (CUE_LABEL,)}
            if layer not in allowed:
                bad(f"entities.{etype}.layer", f"expected one of {', '.join(allowed)}")
            elif label is not None and label not in allowed[layer]:
                bad(f"entities.{etype}.label", f"{label!r} is not one of {', '.join(allowed[layer])}")
            else:
                entities[etype] = EntityRule(layer, label)
        attributes: dict[str, AttributeRule] = {}
        for name, rule in section("attributes").items():
            fld = rule.get("field") if isinstance(rule, dict) else None
            values = rule.get("values") if isinstance(rule, dict) else None
            if fld not in _FIELD_VALUES:
                bad(f"attributes.{name}.field", f"expected one of {', '.join(_FIELD_VALUES)}")
            elif values is not None and (not isinstance(values, dict) or not set(values.values()) <= set(_FIELD_VALUES[fld])):
                bad(f"attributes.{name}.values", f"expected an object mapping brat values to {', '.join(_FIELD_VALUES[fld])}")
            else:
                attributes[name] = AttributeRule(fld, values)
        events: dict[str, EventRule] = {}
        for etype, rule in section("events").items():
            trigger = rule.get("trigger") if isinstance(rule, dict) else None
            roles = rule.get("roles") if isinstance(rule, dict) else None
            if trigger not in ("cue", "ignore"):
                bad(f"events.{etype}.trigger", "expected \"cue\" or \"ignore\"")
            elif not isinstance(roles, dict) or not set(roles.values()) <= set(_ROLES):
                bad(f"events.{etype}.roles", f"expected an object mapping brat roles to {', '.join(_ROLES)}")
            else:
                events[etype] = EventRule(trigger, dict(roles))
        relations: dict[str, str] = {}
        for rtype, meaning in section("relations").items():
            if meaning not in _RELATION_MEANINGS:
                bad(f"relations.{rtype}", f"expected one of {', '.join(_RELATION_MEANINGS)}")
            else:
                relations[rtype] = meaning
        equiv = value.get("equiv", [])
        if not isinstance(equiv, list) or not all(isinstance(e, str) for e in equiv):
            bad("equiv", "expected a list of type names")
            equiv = []
        defaults = {}
        for fld, choices in (("default_actor_type", ACTOR_TYPES), ("default_quote_type", QUOTE_TYPES),
                             ("default_target_kind", TARGET_KINDS)):
            defaults[fld] = value.get(fld, choices[0] if fld != "default_quote_type" else "indirect")
            if defaults[fld] not in choices:
                bad(fld, f"expected one of {', '.join(choices)}")
        if problems:
            raise CorpusError(problems)
        return cls(source, entities, attributes, events, relations, tuple(equiv), **defaults)

    # Writing needs one brat name for each of our categories: the first that the mapping lists.

    def writer_problems(self) -> list[str]:
        """Why this mapping can be read but not written (empty when it can be written)."""
        missing = [f"an entity type for actor type {t}" for t in ACTOR_TYPES if self.entity_type(ACTOR, t) is None]
        missing += [f"an entity type for {layer} regions" for layer in (CONTENT, TARGET) if self.entity_type(layer, None) is None]
        missing += [f"an attribute for {f}" for f in ("kind", "quote_type", "target_kind") if self.attribute(f) is None]
        event = self.quote_event()
        if event is None:
            missing.append("an event type whose trigger is the cue")
        else:
            missing += [f"a role for {r} in event {event}" for r in ("content", "speaker") if self.role(event, r) is None]
        missing += [f"a relation type for {m}" for m in (*POLARITIES, IS_ACTOR) if self.relation(m) is None]
        if not self.equiv:
            missing.append("an equiv type")
        return missing

    def entity_type(self, layer: str, label: str | None) -> str | None:
        return next((t for t, r in self.entities.items() if r.layer == layer and r.label == label), None)

    def attribute(self, fld: str) -> str | None:
        return next((n for n, r in self.attributes.items() if r.field == fld and r.values is None), None)

    def quote_event(self) -> str | None:
        return next((t for t, r in self.events.items() if r.trigger == "cue"), None)

    def role(self, event: str, meaning: str) -> str | None:
        return next((role for role, m in self.events[event].roles.items() if m == meaning), None)

    def relation(self, meaning: str) -> str | None:
        return next((t for t, m in self.relations.items() if m == meaning), None)


def load_mapping(name_or_path: str | None) -> BratMapping:
    """A shipped mapping by name (``default``, ``attribution``) or a mapping JSON file."""
    name = name_or_path or "default"
    if name in BUILTIN_MAPPINGS:
        source = resources.files("whosaidwhat.annotate.formats").joinpath("mappings", f"{name}.json")
        raw, label = source.read_bytes(), f"mappings/{name}.json"
    else:
        try:
            raw, label = Path(name).read_bytes(), name
        except OSError as exc:
            raise CorpusError([Problem(name, None, None, "file", f"cannot read the mapping: {exc.strerror or exc}")]) from None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorpusError([Problem(label, None, None, "file", f"malformed JSON ({exc})")]) from None
    return BratMapping.from_json(value, label)


# --------------------------------------------------------------------------- writing


def _covered(text: str, spans: Iterable[tuple[int, int]]) -> str:
    # brat repeats the covered text after a tab, fragments joined by a space; a newline
    # would end the line, so it is written as a space too.
    return " ".join(text[s:e] for s, e in spans).replace("\r", " ").replace("\n", " ")


def _offsets(spans: Iterable[tuple[int, int]]) -> str:
    return ";".join(f"{s} {e}" for s, e in spans)


def to_ann(doc: Document, report: ConversionReport, mapping: BratMapping) -> str:
    """The ``.ann`` text of one document."""
    text = doc.text or ""
    graph = to_graph(doc, report, discontinuous=True)
    event = mapping.quote_event()
    assert event is not None  # checked by the caller with writer_problems()
    lines: list[str] = []
    tid: dict[str, str] = {}
    counters: Counter[str] = Counter()

    def new(prefix: str) -> str:
        counters[prefix] += 1
        return f"{prefix}{counters[prefix]}"

    cue_of = {link.source: link.target for link in graph.links if link.label == CUE_LINK}
    speaker_of = {link.source: link.target for link in graph.links if link.label == SPEAKER}
    for region in graph.regions:
        if region.layer == ACTOR:
            etype = mapping.entity_type(ACTOR, region.label)
        elif region.layer == TARGET:
            etype = mapping.entity_type(TARGET, None)
        elif region.layer == CUE:
            etype = event  # a cue is the trigger of its quote event
        else:
            # A quote without a cue is an event triggered by its own content (brat events need a trigger).
            etype = mapping.entity_type(CONTENT, None) if region.id in cue_of else event
        tid[region.id] = new("T")
        lines.append(f"{tid[region.id]}\t{etype} {_offsets(region.spans)}\t{_covered(text, region.spans)}")
        if region.layer == ACTOR and region.kind is not None:
            lines.append(f"{new('A')}\t{mapping.attribute('kind')} {tid[region.id]} {region.kind}")
        if region.layer == TARGET:
            lines.append(f"{new('A')}\t{mapping.attribute('target_kind')} {tid[region.id]} {region.label}")
    for region in graph.regions:
        if region.layer != CONTENT:
            continue
        args = []
        if region.id in cue_of:
            trigger = tid[cue_of[region.id]]
            args.append(f"{mapping.role(event, 'content')}:{tid[region.id]}")
        else:
            trigger = tid[region.id]
        if region.id in speaker_of:
            args.append(f"{mapping.role(event, 'speaker')}:{tid[speaker_of[region.id]]}")
        eid = new("E")
        lines.append(f"{eid}\t{event}:{trigger}" + "".join(f" {a}" for a in args))
        lines.append(f"{new('A')}\t{mapping.attribute('quote_type')} {eid} {region.label}")
    # Coreference chains become one Equiv line per actor (or target) with two or more mentions.
    chains: dict[str, list[str]] = {}
    head: dict[str, str] = {}
    for link in graph.links:
        if link.label == COREF:
            root = head.get(link.target, link.target)
            head[link.source] = root
            chains.setdefault(root, [root]).append(link.source)
    for members in chains.values():
        lines.append(f"*\t{mapping.equiv[0]} " + " ".join(tid[m] for m in members))
    for link in graph.links:
        if link.label in (*POLARITIES, IS_ACTOR):
            lines.append(f"{new('R')}\t{mapping.relation(link.label)} Arg1:{tid[link.source]} Arg2:{tid[link.target]}")
    return "\n".join(lines) + ("\n" if lines else "")


def annotation_conf(mapping: BratMapping) -> str:
    """brat's ``annotation.conf`` declaring the types the writer uses."""
    actors = [mapping.entity_type(ACTOR, t) for t in ACTOR_TYPES]
    content, target, event = mapping.entity_type(CONTENT, None), mapping.entity_type(TARGET, None), mapping.quote_event()
    actor_alt = "|".join(a for a in actors if a)
    rel = [f"{mapping.relation(p)}\tArg1:{actor_alt}, Arg2:{target}" for p in POLARITIES]
    rel.append(f"{mapping.relation(IS_ACTOR)}\tArg1:{target}, Arg2:{actor_alt}")
    rel += [f"{mapping.equiv[0]}\tArg1:{t}, Arg2:{t}, <REL-TYPE>:symmetric-transitive" for t in [*actors, target] if t]
    rel.append("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>")
    return "\n".join([
        "# Generated by whosaidwhat convert --to brat: the types of the whosaidwhat brat layout.",
        "[entities]", *[a for a in actors if a], content, target,
        "[relations]", *rel,
        "[events]", f"{event}\t{mapping.role(event, 'content')}?:{content}, {mapping.role(event, 'speaker')}?:{actor_alt}",
        "[attributes]",
        f"{mapping.attribute('kind')}\tArg:{actor_alt}, Value:{'|'.join(MENTION_KINDS)}",
        f"{mapping.attribute('quote_type')}\tArg:{event}, Value:{'|'.join(QUOTE_TYPES)}",
        f"{mapping.attribute('target_kind')}\tArg:{target}, Value:{'|'.join(TARGET_KINDS)}",
    ]) + "\n"


def file_stem(doc_id: str) -> str:
    """A file name for a document id (ids may hold characters file systems do not like)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", doc_id).lstrip(".") or "document"


def write_directory(path: str | Path, documents: Iterable[Document], report: ConversionReport,
                    mapping: BratMapping) -> None:
    problems = mapping.writer_problems()
    if problems:
        raise CorpusError([Problem(mapping.name, None, None, "mapping",
                                   "this mapping can be read but not written; it lacks " + "; ".join(problems))])
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise CorpusError([Problem(str(out), None, None, "file", "brat output is a directory, and this is a file")])
    out.mkdir(parents=True, exist_ok=True)
    stems: set[str] = set()
    for doc in documents:
        stem, n = file_stem(doc.id), 1
        while stem in stems:
            n += 1
            stem = f"{file_stem(doc.id)}-{n}"
        stems.add(stem)
        # Each file is written atomically; the key carries the real id when the stem differs.
        atomic_write_text(out / f"{stem}.txt", doc.text or "")
        atomic_write_text(out / f"{stem}.ann", to_ann(doc, report, mapping))
        atomic_write_text(out / f"{stem}.json", orjson.dumps(make_key(doc), option=orjson.OPT_INDENT_2).decode())
        report.documents += 1
    atomic_write_text(out / "annotation.conf", annotation_conf(mapping))


# --------------------------------------------------------------------------- reading


@dataclass
class _Ann:
    """The lines of one .ann file, parsed but not yet interpreted."""

    entities: dict[str, tuple[str, tuple[tuple[int, int], ...]]]
    events: dict[str, tuple[str, str, list[tuple[str, str]]]]
    relations: list[tuple[str, str, str, str]]
    equivs: list[tuple[str, list[str]]]
    attributes: list[tuple[str, str, str, str | None]]
    skipped: Counter[str]


_SPANS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")


class _BadLine(ValueError):
    """A .ann line that cannot be read, with the reason."""


def parse_ann(content: str, text: str, where: Where) -> _Ann:
    ann = _Ann({}, {}, [], [], [], Counter())
    problems: list[Problem] = []
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        at = where.at(line=number)
        fields = line.split("\t")
        ident = fields[0]
        body = fields[1].split() if len(fields) > 1 else []
        kind = ident[:1]
        try:
            if kind == "T":
                etype, offsets = body[0], " ".join(body[1:])
                if not _SPANS.match(offsets):
                    raise _BadLine(f"offsets {offsets!r} are not 'start end' pairs separated by ';'")
                spans = tuple(tuple(map(int, pair.split())) for pair in offsets.split(";"))
                if any(not (0 <= s < e <= len(text)) for s, e in spans):
                    raise _BadLine(f"offsets {offsets} out of range for a text of {len(text)} characters")
                written = fields[2] if len(fields) > 2 else None
                if written is not None and " ".join(written.split()) != " ".join(_covered(text, spans).split()):
                    raise _BadLine(f"the .ann says {written!r} but the .txt has {_covered(text, spans)!r} there: "
                                     "is this .ann from another document?")
                ann.entities[ident] = (etype, spans)  # type: ignore[assignment]
            elif kind == "E":
                etype, trigger = body[0].split(":")
                args = [tuple(a.split(":", 1)) for a in body[1:]]
                if any(len(a) != 2 for a in args):
                    raise _BadLine("event arguments are written Role:ID")
                ann.events[ident] = (etype, trigger, args)  # type: ignore[assignment]
            elif kind == "R":
                args = dict(a.split(":", 1) for a in body[1:])
                ann.relations.append((ident, body[0], args["Arg1"], args["Arg2"]))
            elif kind == "*":
                ann.equivs.append((body[0], body[1:]))
            elif kind in ("A", "M"):
                ann.attributes.append((ident, body[0], body[1], body[2] if len(body) > 2 else None))
            elif kind in ("#", "N"):
                ann.skipped["annotator notes" if kind == "#" else "normalizations"] += 1
            else:
                raise _BadLine("not a brat annotation line (T, E, R, *, A, M, N or #)")
        except (ValueError, IndexError, KeyError) as exc:
            message = str(exc) if isinstance(exc, _BadLine) else f"malformed {kind or 'empty'} line: {line!r}"
            problems.append(at.problem(ident or "line", message))
    if problems:
        raise CorpusError(problems)
    return ann


def ann_to_graph(ann: _Ann, mapping: BratMapping, where: Where, report: ConversionReport, doc_id: str) -> Graph:
    problems: list[Problem] = []
    ignored: Counter[str] = Counter(ann.skipped)
    defaults: Counter[str] = Counter()

    values: dict[str, dict[str, str]] = {}  # annotation id -> field -> our value
    for aid, name, target, value in ann.attributes:
        rule = mapping.attributes.get(name)
        if rule is None:
            ignored[f"attribute {name}"] += 1
            continue
        ours = value if rule.values is None else rule.values.get(value or "")
        if ours not in _FIELD_VALUES[rule.field]:
            problems.append(where.problem(aid, f"attribute {name} value {value!r} is not one of "
                                          f"{', '.join(rule.values or _FIELD_VALUES[rule.field])}"))
            continue
        values.setdefault(target, {})[rule.field] = ours

    layer_of: dict[str, str] = {}
    for tid, (etype, _) in ann.entities.items():
        if etype in mapping.entities:
            layer_of[tid] = mapping.entities[etype].layer
        elif etype not in mapping.events:  # event triggers are read with their events
            ignored[f"entity type {etype}"] += 1

    links: list[Link] = []
    quote_type: dict[str, str] = {}  # content T id -> type, from its event's attribute
    extra: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}  # triggers that become cue or content regions
    for eid, (etype, trigger, args) in ann.events.items():
        rule = mapping.events.get(etype)
        if rule is None:
            ignored[f"event type {etype}"] += 1
            continue
        parts: dict[str, list[str]] = {r: [] for r in _ROLES}
        for role, arg in args:
            meaning = rule.roles.get(role.rstrip("0123456789"))  # brat numbers repeated roles: Content2
            if meaning is None:
                problems.append(where.problem(eid, f"role {role!r} of event type {etype} is not in the mapping"))
            elif arg not in ann.entities:
                problems.append(where.problem(eid, f"argument {arg!r} is not a text-bound annotation of this file"))
            else:
                parts[meaning].append(arg)
        if trigger not in ann.entities:
            problems.append(where.problem(eid, f"trigger {trigger!r} is not a text-bound annotation of this file"))
            continue
        if rule.trigger == "cue":
            # The trigger is the cue; an event without a content argument is a quote without a
            # cue, triggered by its own content.
            role = CUE if parts["content"] else CONTENT
            parts[role].append(trigger)
            extra[trigger] = (role, ann.entities[trigger][1])
        for a, b in zip(parts["content"], parts["content"][1:]):
            links.append(Link(CONTINUES, b, a, eid))
        for content in parts["content"]:
            if "quote_type" in values.get(eid, {}):
                quote_type[content] = values[eid]["quote_type"]
            links += [Link(CUE_LINK, content, cue, eid) for cue in parts["cue"]]
            links += [Link(SPEAKER, content, speaker, eid) for speaker in parts["speaker"]]

    used_triggers = {trigger for etype, trigger, _ in ann.events.values() if etype in mapping.events}
    for tid, (etype, _) in ann.entities.items():
        if etype in mapping.events and etype not in mapping.entities and tid not in used_triggers:
            report.warn(doc_id, "document", "*", "", f"{tid}: {etype} trigger used by no event: ignored")

    attribution: dict[str, set[str]] = {}
    for rid, rtype, arg1, arg2 in ann.relations:
        meaning = mapping.relations.get(rtype)
        if meaning is None:
            ignored[f"relation type {rtype}"] += 1
        elif meaning == ATTRIBUTION:
            attribution.setdefault(arg1, set()).add(arg2)
            attribution.setdefault(arg2, set()).add(arg1)
        else:
            links.append(Link(meaning, arg1, arg2, rid))
    # Relation-style attribution (PARC exports): a content's cue is a cue it is related to, its
    # speaker a source related to it or to its cue.
    for tid, neighbours in attribution.items():
        if layer_of.get(tid) != CONTENT:
            continue
        cues = {n for n in neighbours if layer_of.get(n) == CUE}
        speakers = {n for n in neighbours if layer_of.get(n) == ACTOR}
        speakers |= {s for c in cues for s in attribution.get(c, ()) if layer_of.get(s) == ACTOR}
        links += [Link(CUE_LINK, tid, c) for c in sorted(cues)] + [Link(SPEAKER, tid, s) for s in sorted(speakers)]

    for etype, members in ann.equivs:
        if etype not in mapping.equiv:
            ignored[f"equivalence type {etype}"] += 1
            continue
        links += [Link(COREF, b, a, f"* {etype}") for a, b in zip(members, members[1:])]

    regions: list[Region] = []
    for tid, (etype, spans) in ann.entities.items():
        attrs = values.get(tid, {})
        if tid in extra:
            layer, spans = extra[tid]
            label = CUE_LABEL if layer == CUE else quote_type.get(tid) or attrs.get("quote_type")
        elif tid in layer_of:
            layer, fixed = layer_of[tid], mapping.entities[etype].label
            label = {ACTOR: attrs.get("actor_type"), TARGET: attrs.get("target_kind"),
                     CONTENT: quote_type.get(tid) or attrs.get("quote_type"), CUE: CUE_LABEL}[layer] or fixed
        else:
            continue
        if label is None:
            label = {ACTOR: mapping.default_actor_type, TARGET: mapping.default_target_kind,
                     CONTENT: mapping.default_quote_type}[layer]
            defaults[f"{layer}:{label}"] += 1
        regions.append(Region(tid, layer, label, spans, attrs.get("kind") if layer == ACTOR else None))
    if problems:
        raise CorpusError(problems)
    for what, count in sorted(ignored.items()):
        report.warn(doc_id, "document", "*", "", f"{count} {what} annotation(s) not covered by mapping "
                    f"{mapping.name}: ignored")
    for what, count in sorted(defaults.items()):
        layer, label = what.split(":")
        report.warn(doc_id, "document", "*", "", f"{count} {layer} annotation(s) without a type: set to the "
                    f"mapping default {label!r}")
    return Graph(regions, links)


def read_pair(txt: Path, ann_path: Path | None, report: ConversionReport, mapping: BratMapping) -> Document:
    where = Where(str(ann_path or txt), None, txt.stem)
    try:
        text = txt.read_bytes().decode("utf-8")
        content = ann_path.read_bytes().decode("utf-8") if ann_path else ""
    except OSError as exc:
        raise where.error("file", f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise where.error("file", f"not valid UTF-8 ({exc})") from None
    key = None
    sidecar = txt.with_suffix(".json")
    if sidecar.exists():
        try:
            key = orjson.loads(sidecar.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise Where(str(sidecar), None, txt.stem).error("file", f"malformed JSON ({exc})") from None
    ann = parse_ann(content, text, where)
    graph = ann_to_graph(ann, mapping, where, report, txt.stem)
    return from_graph(graph, text=text, where=where, report=report, doc_id=txt.stem, key=key)


def read_directory(path: str | Path, report: ConversionReport, mapping: BratMapping) -> list[Document]:
    """Every ``.txt``/``.ann`` pair of a directory (or the one pair of a ``.ann`` or ``.txt`` path)."""
    root = Path(path)
    if root.is_dir():
        stems = sorted({p.stem for p in root.glob("*.txt")} | {p.stem for p in root.glob("*.ann")})
        pairs = [(root / f"{s}.txt", root / f"{s}.ann") for s in stems]
    elif root.suffix in (".ann", ".txt") and root.exists():
        pairs = [(root.with_suffix(".txt"), root.with_suffix(".ann"))]
    else:
        raise CorpusError([Problem(str(root), None, None, "file", "expected a directory of .txt/.ann pairs or a .ann file")])
    documents: list[Document] = []
    problems: list[Problem] = []
    for txt, ann in pairs:
        if not txt.exists():
            problems.append(Problem(str(ann), None, txt.stem, "file", f"no text file {txt.name} beside it"))
            continue
        report.keep(documents, problems, lambda: read_pair(txt, ann if ann.exists() else None, report, mapping))
    return documents_or_problems(documents, problems)
