"""The shared middle of the span-and-relation formats: regions and links.

Label Studio, brat, doccano and spaCy all store annotation as labelled text
regions plus (except spaCy) binary links between regions.  Our layers map onto
that shape once, here, and each format module only translates regions and links
into its own syntax.  This keeps the mapping decisions — and what is lost — in
one place instead of five copies.

Regions (``layer``: what it annotates, ``label``: its value):

- ``actor``: one mention of an actor, labelled with the actor type, with the
  mention kind as an attribute;
- ``content``: a quote's content, labelled with the quote type; a quote split by
  its cue is one region with several spans where the format has discontinuous
  spans (brat), else one region per part joined by ``continues`` links;
- ``cue``: a quote's cue, labelled ``CUE``;
- ``target``: one mention of a stance target, labelled with the target kind.

Links: ``coref`` (two mentions of one actor, or of one target), ``continues``
(two parts of one quote), ``cue`` (content–cue), ``speaker`` (content–the
speaker's mention that the text ties to the quote), ``is_actor`` (a target that
is an actor – one of that actor's mentions) and one link per polarity
(``support``/``oppose``/``neutral``: the holder's mention–a target mention).

Reading back, a link is oriented by the layers it joins, not by its direction
(annotators draw arrows either way), and actors, targets and quotes are the
connected groups of regions.  What regions and links cannot express — an actor
or target without any mention, a stance whose holder or target has none — is
reported as a warning on export.  What they do not show (names, ids, evidence,
metadata) travels in the key (`formats.key`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from whosaidwhat.corpus.model import (
    ACTOR_TYPES,
    MENTION_KINDS,
    POLARITIES,
    QUOTE_TYPES,
    SCHEMA_VERSION,
    TARGET_KINDS,
    Actor,
    Document,
    Evidence,
    Mention,
    Quote,
    Span,
    Stance,
    Target,
)
from whosaidwhat.corpus.parse import parse_document
from whosaidwhat.corpus.problems import CorpusError, Problem
from whosaidwhat.corpus.validate import check_document

from .key import check_key
from .report import ConversionReport, Where

ACTOR, CONTENT, CUE, TARGET = "actor", "content", "cue", "target"
CUE_LABEL = "CUE"
LABELS: dict[str, tuple[str, ...]] = {
    ACTOR: ACTOR_TYPES,
    CONTENT: QUOTE_TYPES,
    CUE: (CUE_LABEL,),
    TARGET: TARGET_KINDS,
}

COREF, CONTINUES, CUE_LINK, SPEAKER, IS_ACTOR = "coref", "continues", "cue", "speaker", "is_actor"
LINK_LABELS: tuple[str, ...] = (COREF, CONTINUES, CUE_LINK, SPEAKER, IS_ACTOR, *POLARITIES)

# For each link label other than coref: the two layers it joins, in the order (from, to).
_LINK_LAYERS: dict[str, tuple[str, str]] = {
    CONTINUES: (CONTENT, CONTENT),
    CUE_LINK: (CONTENT, CUE),
    SPEAKER: (CONTENT, ACTOR),
    IS_ACTOR: (TARGET, ACTOR),
    **{p: (ACTOR, TARGET) for p in POLARITIES},
}

OffsetPair = tuple[int, int]


@dataclass
class Region:
    """A labelled stretch of text; `spans` has several pairs only for discontinuous regions."""

    id: str
    layer: str
    label: str
    spans: tuple[OffsetPair, ...]
    kind: str | None = None  # mention kind, actor regions only
    hint: str | None = None  # an id the format itself stores (spaCy kb_id), used when the key has none
    owner: str | None = None  # on export: the id of our actor, quote or target the region belongs to


@dataclass(frozen=True)
class Link:
    label: str
    source: str
    target: str
    id: str | None = None  # the format's own id of the link, for problems


@dataclass
class Graph:
    regions: list[Region] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def region(self, region_id: str) -> Region:
        return next(r for r in self.regions if r.id == region_id)


# --------------------------------------------------------------------------- export


class _Ids:
    """Readable region ids derived from our ids (``a1-m2``, ``q3-cue``), unique within a document."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}.{n}"
        self.used.add(candidate)
        return candidate


def to_graph(doc: Document, report: ConversionReport, *, discontinuous: bool) -> Graph:
    """Regions and links for one document; what they cannot express is warned about on `report`."""
    graph, ids = Graph(), _Ids()
    warn = lambda layer, item, fld, msg: report.warn(doc.id, layer, item, fld, msg)  # noqa: E731

    mention_region: dict[OffsetPair, str] = {}
    first_mention: dict[str, str] = {}
    for actor in doc.actors:
        if not actor.mentions:
            warn("actors", actor.id, "", f"actor {actor.name!r} has no mention in the text: dropped")
            continue
        previous: str | None = None
        for j, m in enumerate(sorted(actor.mentions, key=lambda m: m.key), 1):
            rid = ids.new(f"{actor.id}-m{j}")
            graph.regions.append(Region(rid, ACTOR, actor.type, (m.key,), m.kind, owner=actor.id))
            mention_region[m.key] = rid
            if previous is None:
                first_mention[actor.id] = rid
            else:
                graph.links.append(Link(COREF, rid, previous))  # each mention points to its antecedent
            previous = rid

    for actor in doc.actors:
        if actor.id in first_mention and actor.affiliation is not None and actor.affiliation not in first_mention:
            warn("actors", actor.id, "affiliation", f"the affiliated actor {actor.affiliation!r} has no mention "
                 "and is dropped, so is the affiliation")

    cue_region: dict[OffsetPair, str] = {}
    for q in doc.quotes:
        parts = sorted(q.content, key=lambda s: s.key)
        if discontinuous:
            heads = [ids.new(f"{q.id}-content")]
            graph.regions.append(Region(heads[0], CONTENT, q.type, tuple(s.key for s in parts), owner=q.id))
        else:
            heads = []
            for j, part in enumerate(parts, 1):
                rid = ids.new(f"{q.id}-c{j}")
                graph.regions.append(Region(rid, CONTENT, q.type, (part.key,), owner=q.id))
                if heads:
                    graph.links.append(Link(CONTINUES, rid, heads[-1]))
                heads.append(rid)
        head = heads[0]
        if q.cue is not None:
            # One region per cue span: two quotes reported by one verb share it.
            if q.cue.key not in cue_region:
                cue_region[q.cue.key] = ids.new(f"{q.id}-cue")
                graph.regions.append(Region(cue_region[q.cue.key], CUE, CUE_LABEL, (q.cue.key,), owner=q.id))
            graph.links.append(Link(CUE_LINK, head, cue_region[q.cue.key]))
        if q.speaker is not None:
            speaker_region = mention_region.get(q.speaker_mention.key) if q.speaker_mention else None
            if speaker_region is None and q.speaker in first_mention:
                speaker_region = first_mention[q.speaker]
                warn("quotes", q.id, "speaker_mention", "no speaker mention is annotated; the quote is linked to "
                     "the speaker's first mention, which becomes its speaker_mention when read back")
            if speaker_region is None:
                warn("quotes", q.id, "speaker", f"the speaker {q.speaker!r} has no mention to link the quote to: dropped")
            else:
                graph.links.append(Link(SPEAKER, head, speaker_region))

    first_target: dict[str, str] = {}
    for t in doc.targets:
        if not t.mentions:
            warn("targets", t.id, "", f"target {t.label!r} has no mention in the text: dropped")
            continue
        if t.kind == "actor" and t.actor not in first_mention:
            # A target of kind actor must name its actor; without that link it could not be read back.
            warn("targets", t.id, "", f"the actor {t.actor!r} this target is has no mention to link to: dropped")
            continue
        previous = None
        for j, s in enumerate(sorted(t.mentions, key=lambda s: s.key), 1):
            rid = ids.new(f"{t.id}-m{j}")
            graph.regions.append(Region(rid, TARGET, t.kind, (s.key,), owner=t.id))
            if previous is None:
                first_target[t.id] = rid
            else:
                graph.links.append(Link(COREF, rid, previous))
            previous = rid
        if t.actor is not None:
            if t.actor in first_mention:
                graph.links.append(Link(IS_ACTOR, first_target[t.id], first_mention[t.actor]))
            else:
                warn("targets", t.id, "actor", f"the actor {t.actor!r} has no mention to link the target to: dropped")

    for s in doc.stances:
        holder, target = first_mention.get(s.holder), first_target.get(s.target)
        if holder is None or target is None:
            missing = f"holder {s.holder!r}" if holder is None else f"target {s.target!r}"
            warn("stances", s.id, "", f"the {missing} has no mention to attach the stance to: dropped")
            continue
        graph.links.append(Link(s.polarity, holder, target))
    return graph


# --------------------------------------------------------------------------- import


class _Groups:
    """Union-find over region ids: the regions of one actor, one target or one quote."""

    def __init__(self, items: Iterable[str]):
        self.parent = {i: i for i in items}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _pairs(value: Any) -> set[OffsetPair]:
    """Offset pairs of a key entry (``[[start, end, ...], ...]``), ignoring anything malformed."""
    out: set[OffsetPair] = set()
    for item in value if isinstance(value, list) else []:
        if isinstance(item, list) and len(item) >= 2 and all(isinstance(x, int) for x in item[:2]):
            out.add((item[0], item[1]))
    return out


def _entries(key: dict[str, Any] | None, layer: str) -> list[dict[str, Any]]:
    if key is None:
        return []
    return [e for e in key.get(layer) or [] if isinstance(e, dict) and isinstance(e.get("id"), str) and e["id"]]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class _Matcher:
    """Pairs groups of read-back regions with key entries by shared offsets, each entry at most once."""

    def __init__(self, entries: list[dict[str, Any]], spans_field: str):
        self.entries = entries
        self.spans = [_pairs(e.get(spans_field)) for e in entries]
        self.taken: set[int] = set()

    def match(self, offsets: set[OffsetPair]) -> tuple[int, dict[str, Any]] | None:
        best, best_overlap = None, 0
        for i, spans in enumerate(self.spans):
            overlap = len(spans & offsets)
            if i not in self.taken and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is None:
            return None
        self.taken.add(best)
        return best, self.entries[best]


def from_graph(
    graph: Graph,
    *,
    text: str,
    where: Where,
    report: ConversionReport,
    doc_id: str,
    key: Any = None,
    meta: dict[str, Any] | None = None,
    annotators: list[str] | None = None,
) -> Document:
    """One document from regions and links (and the key, when the format carried it back).

    Raises `CorpusError` with every problem, each naming `where` and the format's
    id of the offending region or link.
    """
    problems: list[Problem] = []

    def bad(fld: str, message: str) -> None:
        problems.append(where.problem(fld, message))

    if key is not None:
        reason = check_key(key, text)
        if reason is not None:
            raise where.error("key", reason)
        doc_id = _str(key.get("id")) or doc_id
        where = where.at(document=doc_id)

    regions: dict[str, Region] = {}
    for r in graph.regions:
        if r.id in regions:
            bad(r.id, "duplicate region id")
        elif r.layer not in LABELS or r.label not in LABELS[r.layer]:
            bad(r.id, f"label {r.label!r} is not one of {', '.join(LABELS.get(r.layer, ()))}")
        elif not r.spans or any(not (0 <= s < e <= len(text)) for s, e in r.spans):
            bad(r.id, f"offsets {list(r.spans)} out of range for a text of {len(text)} characters (or empty)")
        elif r.layer != CONTENT and len(r.spans) != 1:
            bad(r.id, f"a {r.layer} region must be one continuous span, not {len(r.spans)} fragments")
        elif r.kind is not None and r.kind not in MENTION_KINDS:
            bad(r.id, f"mention kind {r.kind!r} is not one of {', '.join(MENTION_KINDS)}")
        else:
            regions[r.id] = r

    groups = _Groups(regions)
    cues: dict[str, set[str]] = {}
    speakers: dict[str, set[str]] = {}
    target_actor: dict[str, set[str]] = {}
    stance_links: list[tuple[str, str, str]] = []
    for link in graph.links:
        fld = link.id or f"link {link.source}->{link.target}"
        a, b = regions.get(link.source), regions.get(link.target)
        if a is None or b is None:
            missing = link.source if a is None else link.target
            if missing not in {r.id for r in graph.regions}:
                bad(fld, f"unknown region {missing!r}")
            continue  # a region with a problem of its own is already reported
        if link.label == COREF:
            if a.layer != b.layer or a.layer not in (ACTOR, TARGET):
                bad(fld, f"'coref' joins two mentions of one actor or of one target, not a {a.layer} and a {b.layer}")
            else:
                groups.union(b.id, a.id)
            continue
        if link.label not in _LINK_LAYERS:
            bad(fld, f"unknown link label {link.label!r} (one of {', '.join(LINK_LABELS)})")
            continue
        first, second = _LINK_LAYERS[link.label]
        if (a.layer, b.layer) == (second, first) and first != second:
            a, b = b, a  # drawn the other way round
        if (a.layer, b.layer) != (first, second):
            bad(fld, f"{link.label!r} joins a {first} and a {second}, not a {a.layer} and a {b.layer}")
        elif link.label == CONTINUES:
            groups.union(b.id, a.id)
        elif link.label == CUE_LINK:
            cues.setdefault(a.id, set()).add(b.id)
        elif link.label == SPEAKER:
            speakers.setdefault(a.id, set()).add(b.id)
        elif link.label == IS_ACTOR:
            target_actor.setdefault(a.id, set()).add(b.id)
        else:
            stance_links.append((a.id, b.id, link.label))

    linked_cues = {c for found in cues.values() for c in found}
    for r in regions.values():
        if r.layer == CUE and r.id not in linked_cues:
            report.warn(doc_id, "quotes", r.id, "cue", f"cue {text[r.spans[0][0]:r.spans[0][1]]!r} is not linked to "
                        "any quote content: dropped (a cue exists only as part of a quote)")

    members: dict[str, list[Region]] = {}
    for r in sorted(regions.values(), key=lambda r: r.spans):
        members.setdefault(groups.find(r.id), []).append(r)
    by_layer: dict[str, list[list[Region]]] = {layer: [] for layer in LABELS}
    for group in members.values():
        by_layer[group[0].layer].append(group)
    for layer in (ACTOR, TARGET, CONTENT):
        for group in by_layer[layer]:
            labels = sorted({r.label for r in group})
            if len(labels) > 1:
                bad(", ".join(r.id for r in group), f"regions linked as one {layer} have different labels: {', '.join(labels)}")

    used_ids: set[str] = set()
    # Fresh ids never take an id the key or the format uses, so that a later group can still claim it.
    reserved = {e["id"] for layer in ("actors", "quotes", "targets", "stances") for e in _entries(key, layer)}
    reserved |= {r.hint for r in regions.values() if r.hint}

    def fresh(prefix: str) -> str:
        n = 1
        while f"{prefix}{n}" in used_ids or f"{prefix}{n}" in reserved:
            n += 1
        used_ids.add(f"{prefix}{n}")
        return f"{prefix}{n}"

    def choose_id(matched: tuple[int, dict[str, Any]] | None, group: list[Region], prefix: str) -> str:
        for candidate in ([matched[1]["id"]] if matched else []) + [r.hint for r in group if r.hint]:
            if candidate not in used_ids:
                used_ids.add(candidate)
                return candidate
        return fresh(prefix)

    def ordered(items: list[tuple[tuple[int, int] | None, tuple, Any]]) -> list[Any]:
        # Key order first (so a round trip keeps the original order), then new items in text order.
        return [x for _, _, x in sorted(items, key=lambda t: (t[0] is None, t[0] or (0, 0), t[1]))]

    # Actors.  Ids are reserved in two passes so that a key id is never taken by a fresh id.
    key_kinds = {
        (m[0], m[1]): m[2]
        for e in _entries(key, "actors")
        for m in e.get("mentions") or []
        if isinstance(m, list) and len(m) == 3 and m[2] in MENTION_KINDS
    }
    actor_matcher = _Matcher(_entries(key, "actors"), "mentions")
    actor_matches = [actor_matcher.match({r.spans[0] for r in g}) for g in by_layer[ACTOR]]
    target_matcher = _Matcher(_entries(key, "targets"), "mentions")
    target_matches = [target_matcher.match({r.spans[0] for r in g}) for g in by_layer[TARGET]]
    quote_matcher = _Matcher(_entries(key, "quotes"), "content")
    quote_matches = [quote_matcher.match({s for r in g for s in r.spans}) for g in by_layer[CONTENT]]
    actor_of_region: dict[str, str] = {}
    actor_items = []
    affiliations: dict[str, str] = {}
    for group, matched in zip(by_layer[ACTOR], actor_matches):
        entry = matched[1] if matched else {}
        actor_id = choose_id(matched, group, "a")
        mentions = [
            Mention(s, e, text[s:e], r.kind if r.kind is not None else key_kinds.get((s, e)))
            for r in group
            for s, e in r.spans
        ]
        name = _str(entry.get("name")) or next(
            (m.text for m in mentions if m.kind == "name"), max((m.text for m in mentions), key=len)
        )
        actor = Actor(actor_id, name, group[0].label, mentions, role=_str(entry.get("role")))
        if _str(entry.get("affiliation")):
            affiliations[actor_id] = entry["affiliation"]
        for r in group:
            actor_of_region[r.id] = actor_id
        actor_items.append((matched and (matched[0], 0), group[0].spans[0], actor))
    actors = ordered(actor_items)
    actor_ids = {a.id for a in actors}
    for actor in actors:
        affiliation = affiliations.get(actor.id)
        if affiliation in actor_ids and affiliation != actor.id:
            actor.affiliation = affiliation
        elif affiliation is not None:
            report.warn(doc_id, "actors", actor.id, "affiliation",
                        f"affiliated actor {affiliation!r} is no longer annotated: dropped")

    target_items = []
    target_of_region: dict[str, str] = {}
    for group, matched in zip(by_layer[TARGET], target_matches):
        entry = matched[1] if matched else {}
        target_id = choose_id(matched, group, "t")
        linked = {actor_of_region[a] for r in group for a in target_actor.get(r.id, ()) if a in actor_of_region}
        if len(linked) > 1:
            bad(", ".join(r.id for r in group), f"the target is linked to several actors: {', '.join(sorted(linked))}")
        spans = [Span.of(text, s, e) for r in group for s, e in r.spans]
        label = _str(entry.get("label")) or spans[0].text
        target = Target(target_id, label, group[0].label, spans, actor=min(linked) if linked else None)
        for r in group:
            target_of_region[r.id] = target_id
        target_items.append((matched and (matched[0], 0), group[0].spans[0], target))
    targets = ordered(target_items)

    quote_items = []
    for group, matched in zip(by_layer[CONTENT], quote_matches):
        quote_id = choose_id(matched, group, "q")
        fld = ", ".join(r.id for r in group)
        cue_ids = {c for r in group for c in cues.get(r.id, ())}
        speaker_ids = {m for r in group for m in speakers.get(r.id, ())}
        if len(cue_ids) > 1:
            bad(fld, f"the quote has {len(cue_ids)} cues ({', '.join(sorted(cue_ids))}); a quote has at most one")
        if len(speaker_ids) > 1:
            bad(fld, f"the quote has {len(speaker_ids)} speaker links ({', '.join(sorted(speaker_ids))}); a quote has at most one")
        cue = Span.of(text, *regions[min(cue_ids)].spans[0]) if cue_ids else None
        speaker_region = regions[min(speaker_ids)] if speaker_ids else None
        quote = Quote(
            quote_id,
            [Span.of(text, s, e) for r in group for s, e in r.spans],
            group[0].label,
            cue=cue,
            speaker=actor_of_region.get(speaker_region.id) if speaker_region else None,
            speaker_mention=Span.of(text, *speaker_region.spans[0]) if speaker_region else None,
        )
        quote.content.sort(key=lambda s: s.key)
        quote_items.append((matched and (matched[0], 0), group[0].spans[0], quote))
    quotes = ordered(quote_items)
    quote_ids = {q.id for q in quotes}

    stance_matcher = {
        (e.get("holder"), e.get("target"), e.get("polarity")): (i, e) for i, e in enumerate(_entries(key, "stances"))
    }
    stance_items = []
    seen: set[tuple[str, str, str]] = set()
    for holder_region, target_region, polarity in stance_links:
        triple = (actor_of_region.get(holder_region), target_of_region.get(target_region), polarity)
        if None in triple or triple in seen:
            continue  # a link between regions with problems (reported), or drawn twice
        seen.add(triple)  # type: ignore[arg-type]
        matched = stance_matcher.get(triple)
        stance_id = matched[1]["id"] if matched and matched[1]["id"] not in used_ids else fresh("s")
        used_ids.add(stance_id)
        evidence = Evidence()
        if matched:
            raw = matched[1].get("evidence") if isinstance(matched[1].get("evidence"), dict) else {}
            for q in raw.get("quotes") or []:
                if q in quote_ids:
                    evidence.quotes.append(q)
                else:
                    report.warn(doc_id, "stances", stance_id, "evidence.quotes",
                                f"evidence quote {q!r} is no longer annotated: dropped")
            evidence.spans = [Span.of(text, s, e) for s, e in sorted(_pairs([[x.get("start"), x.get("end")]
                              for x in raw.get("spans") or [] if isinstance(x, dict)])) if 0 <= s < e <= len(text)]
        stance = Stance(stance_id, triple[0], triple[1], polarity, evidence)  # type: ignore[arg-type]
        stance_items.append((matched and (matched[0], 0), (0, 0), stance))
    stances = ordered(stance_items)

    # What the format itself says about the document wins over the key (an annotation's
    # annotator over the extractor that pre-annotated it); the key fills in the rest.
    if key is not None:
        if meta is None and isinstance(key.get("meta"), dict):
            meta = key["meta"]
        if annotators is None:
            annotators = [a for a in key.get("annotators") or [] if isinstance(a, str)]
    doc = Document(
        id=doc_id,
        text=text,
        meta=dict(meta or {}),
        annotators=list(annotators or []),
        actors=actors,
        quotes=quotes,
        targets=targets,
        stances=stances,
        schema_version=SCHEMA_VERSION,
    )
    if not problems:
        # The structural parser checks the enumerated values and metadata types; the
        # validator offsets and references (content parts that overlap, say).
        _, shape = parse_document(doc.to_dict())
        problems.extend(where.problem(f, m) for f, m in shape + check_document(doc))
    if problems:
        raise CorpusError(problems)
    return doc
