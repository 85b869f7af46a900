"""The scorer's compact view of a document: tuples of offsets and indices.

Scoring needs offsets, types and references, not the full dataclass model.
`DocKeys` holds exactly that, built either from a `Document`
(`keys_from_document`, for the in-memory API) or straight from a JSON line
(`keys_from_bytes`, the hot path of `score_files`, which skips building
dictionaries and dataclasses).  Both must give the same keys; a property
test checks it.

`keys_from_bytes` only accepts what it can vouch for cheaply (types,
enumerated values, ids and references the scorer follows, every span's
offsets and covered text); anything unexpected raises `NeedsFullCheck`, and
the reader then runs the corpus parser and validator on that line to report
each problem with its field, or to accept the document after all.

`prepare` turns raw keys into the form the aligners use: spans trimmed (when
configured), items in a canonical order (by offsets, ids last), references
as indices in that order — so that the order of annotations in a file cannot
change a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, itemgetter, sub
from typing import Any, Literal, Optional

import msgspec

from ..corpus.model import ACTOR_TYPES, POLARITIES, QUOTE_TYPES, TARGET_KINDS, Document
from .spans import Item, SpanKey, canonical_item, trim as trim_span, trim_all

RawSpan = tuple[int, int, str]  # start, end, covered text as written in the file


class NeedsFullCheck(Exception):
    """The fast path cannot vouch for this document; run the full parser and validator."""


@dataclass(slots=True)
class DocKeys:
    """What the scorer reads from one document, references resolved to list indices."""

    id: str
    text: str | None
    actor_ids: list[str]
    actor_types: list[str]
    actor_names: list[str]
    mentions: list[tuple[int, int, int]]  # (start, end, actor index)
    quote_ids: list[str]
    quotes: list[tuple[tuple[SpanKey, ...], SpanKey | None, int, str]]  # content, cue, speaker (-1), type
    target_ids: list[str]
    targets: list[tuple[tuple[SpanKey, ...], int, str]]  # mentions, actor (-1), kind
    stance_ids: list[str]
    stances: list[tuple[int, int, str]]  # holder index, target index, polarity
    spans: list[RawSpan]  # every span with its covered text, for `spans_match`


def spans_match(text: str, spans: list[RawSpan]) -> bool:
    """Each span is non-empty, inside the text and repeats the text it covers.

    Offsets must be ints (not bools or floats); ``start >= 0`` rules out
    negative indices, ``end - start == len(covered)`` together with
    ``text.startswith(covered, start)`` says that the text at ``start`` is
    exactly the covered text (so ``end`` is inside the text too).  Written
    with `map` so that the loops run in C, and `startswith` compares in place
    without cutting a new string per span.
    """
    if not spans:
        return True
    starts, ends, covered = zip(*spans)
    if set(map(type, starts + ends)) != _INT or set(map(type, covered)) != _STR:
        return False
    if min(starts) < 0 or list(map(sub, ends, starts)) != list(map(len, covered)) or min(map(len, covered)) == 0:
        return False
    return all(map(text.startswith, covered, starts))


_INT = {int}
_STR = {str}
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


# -- the fast path: bytes -> keys -------------------------------------------------------------
#
# msgspec decodes a line straight into these typed structs: it checks every
# type on the way (an offset must be an int, not a bool or a float; an actor
# type must be one of ACTOR_TYPES) and builds no dictionaries, which makes it
# about twice as fast as decoding to dicts and checking them in Python.  Keys
# the scorer does not read are ignored.  Lists may be null, as the parser allows.


class _Span(msgspec.Struct):
    start: int
    end: int
    text: str


class _Actor(msgspec.Struct):
    id: str
    name: str
    type: Literal[ACTOR_TYPES]  # type: ignore[valid-type]
    mentions: Optional[list[_Span]] = None


class _Quote(msgspec.Struct):
    id: str
    type: Literal[QUOTE_TYPES]  # type: ignore[valid-type]
    content: list[_Span]
    cue: Optional[_Span] = None
    speaker: Optional[str] = None
    speaker_mention: Optional[_Span] = None


class _Target(msgspec.Struct):
    id: str
    label: str
    kind: Literal[TARGET_KINDS]  # type: ignore[valid-type]
    actor: Optional[str] = None
    mentions: Optional[list[_Span]] = None


class _Evidence(msgspec.Struct):
    quotes: Optional[list[str]] = None
    spans: Optional[list[_Span]] = None


class _Stance(msgspec.Struct):
    id: str
    holder: str
    target: str
    polarity: Literal[POLARITIES]  # type: ignore[valid-type]
    evidence: Optional[_Evidence] = None


class _Document(msgspec.Struct):
    id: str
    text: Optional[str] = None
    actors: Optional[list[_Actor]] = None
    quotes: Optional[list[_Quote]] = None
    targets: Optional[list[_Target]] = None
    stances: Optional[list[_Stance]] = None


_DECODER = msgspec.json.Decoder(_Document)
_SPAN_FIELDS = attrgetter("start", "end", "text")


def _span_keys(values: list[_Span] | None, out: list[RawSpan]) -> tuple[SpanKey, ...]:
    """(start, end) of each span; (start, end, text) appended to `out`."""
    if not values:
        return ()
    triples = list(map(_SPAN_FIELDS, values))
    out += triples
    return tuple(zip(map(_FIRST, triples), map(_SECOND, triples)))


def keys_from_bytes(raw: bytes, *, prediction: bool) -> DocKeys:
    """Keys of one JSON line, or `NeedsFullCheck` when the fast path cannot vouch for it."""
    try:
        doc = _DECODER.decode(raw)
        return _keys(doc, prediction)
    except NeedsFullCheck:
        raise
    except (msgspec.DecodeError, KeyError, ValueError) as exc:  # ValidationError is a DecodeError
        raise NeedsFullCheck(str(exc)) from exc


def _keys(doc: _Document, prediction: bool) -> DocKeys:
    text = doc.text
    if not doc.id:
        raise NeedsFullCheck("id")
    if text is None and not prediction:
        raise NeedsFullCheck("text")
    spans: list[RawSpan] = []
    actors = doc.actors or ()
    actor_ids = [a.id for a in actors]
    actor_index = {a: i for i, a in enumerate(actor_ids)}
    mentions: list[tuple[int, int, int]] = []
    for index, actor in enumerate(actors):
        if actor.mentions:
            # The loops run in C: (start, end, text) of each mention, then (start, end, actor).
            triples = list(map(_SPAN_FIELDS, actor.mentions))
            spans += triples
            mentions += zip(map(_FIRST, triples), map(_SECOND, triples), repeat(index, len(triples)))
    owned_mentions = set(mentions)

    quotes = []
    for q in doc.quotes or ():
        content = _span_keys(q.content, spans)
        if not content:
            raise NeedsFullCheck("quote content")
        cue = q.cue
        cue_key = None
        if cue is not None:
            spans.append((cue.start, cue.end, cue.text))
            cue_key = (cue.start, cue.end)
        speaker_index = -1 if q.speaker is None else actor_index[q.speaker]
        sm = q.speaker_mention
        if sm is not None:
            spans.append((sm.start, sm.end, sm.text))
            if speaker_index < 0 or (sm.start, sm.end, speaker_index) not in owned_mentions:
                raise NeedsFullCheck("speaker_mention")
        if len(content) > 1:
            ordered = sorted(content)
            if any(a[1] > b[0] for a, b in zip(ordered, ordered[1:])):
                raise NeedsFullCheck("content overlaps")
        quotes.append((content, cue_key, speaker_index, q.type))
    quote_ids = [q.id for q in doc.quotes or ()]

    targets = []
    for t in doc.targets or ():
        if t.actor is None and t.kind == "actor":
            raise NeedsFullCheck("target actor")
        targets.append((_span_keys(t.mentions, spans), -1 if t.actor is None else actor_index[t.actor], t.kind))
    target_ids = [t.id for t in doc.targets or ()]
    target_index = {t: i for i, t in enumerate(target_ids)}

    quote_id_set = set(quote_ids)
    stances = []
    for st in doc.stances or ():
        evidence = st.evidence
        if evidence is not None:
            if evidence.quotes and not quote_id_set.issuperset(evidence.quotes):
                raise NeedsFullCheck("evidence")
            _span_keys(evidence.spans, spans)
        stances.append((actor_index[st.holder], target_index[st.target], st.polarity))
    stance_ids = [st.id for st in doc.stances or ()]

    # Uniqueness the scorer relies on: ids across layers, mentions, stance triples.
    n_ids = len(actor_ids) + len(quote_ids) + len(target_ids) + len(stance_ids)
    if len({*actor_ids, *quote_ids, *target_ids, *stance_ids}) != n_ids:
        raise NeedsFullCheck("duplicate id")
    if len(set(zip(map(_FIRST, mentions), map(_SECOND, mentions)))) != len(mentions) or len(set(stances)) != len(stances):
        raise NeedsFullCheck("duplicate mention or stance")
    if text is not None and not spans_match(text, spans):
        raise NeedsFullCheck("span")
    return DocKeys(
        doc.id, text, actor_ids, [a.type for a in actors], [a.name for a in actors], mentions,
        quote_ids, quotes, target_ids, targets, stance_ids, stances, spans,
    )


def keys_from_document(doc: Document) -> DocKeys:
    """Keys of a parsed document (no checking: validate documents first)."""
    actor_index = {a.id: i for i, a in enumerate(doc.actors)}
    target_index = {t.id: i for i, t in enumerate(doc.targets)}
    spans: list[RawSpan] = []
    mentions = []
    for i, actor in enumerate(doc.actors):
        for m in actor.mentions:
            spans.append((m.start, m.end, m.text))
            mentions.append((m.start, m.end, i))
    quotes = []
    for q in doc.quotes:
        spans.extend((c.start, c.end, c.text) for c in q.content)
        if q.cue is not None:
            spans.append((q.cue.start, q.cue.end, q.cue.text))
        if q.speaker_mention is not None:
            spans.append((q.speaker_mention.start, q.speaker_mention.end, q.speaker_mention.text))
        quotes.append(
            (
                tuple(c.key for c in q.content),
                q.cue.key if q.cue is not None else None,
                -1 if q.speaker is None else actor_index[q.speaker],
                q.type,
            )
        )
    targets = []
    for t in doc.targets:
        spans.extend((m.start, m.end, m.text) for m in t.mentions)
        targets.append((tuple(m.key for m in t.mentions), -1 if t.actor is None else actor_index[t.actor], t.kind))
    stances = []
    for st in doc.stances:
        spans.extend((s.start, s.end, s.text) for s in st.evidence.spans)
        stances.append((actor_index[st.holder], target_index[st.target], st.polarity))
    return DocKeys(
        doc.id,
        doc.text,
        [a.id for a in doc.actors],
        [a.type for a in doc.actors],
        [a.name for a in doc.actors],
        mentions,
        [q.id for q in doc.quotes],
        quotes,
        [t.id for t in doc.targets],
        targets,
        [s.id for s in doc.stances],
        stances,
        spans,
    )


@dataclass(slots=True)
class Prepared:
    """A document ready for alignment: trimmed spans, canonical order, index references.

    mentions[i] = (start, end, actor type, actor index), sorted by offsets;
    actor_mentions[a] = indices into `mentions`; quotes[q] = (content item,
    cue, speaker index or -1, type); targets[t] = (mention item, actor index
    or -1, kind); stances[s] = (holder index, target index, polarity).
    """

    id: str
    text: str
    actor_ids: list[str]
    actor_types: list[str]
    actor_names: list[str]
    actor_mentions: list[list[int]]
    mentions: list[tuple[int, int, str, int]]
    quote_ids: list[str]
    quotes: list[tuple[Item, SpanKey | None, int, str]]
    target_ids: list[str]
    targets: list[tuple[Item, int, str]]
    stance_ids: list[str]
    stances: list[tuple[int, int, str]]


def _order(keys: list[Any]) -> tuple[list[int], list[int]]:
    """The canonical order of items with sort keys, and each old index's new position."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    position = [0] * len(keys)
    for new, old in enumerate(order):
        position[old] = new
    return order, position


_NO_SPAN = (float("inf"), float("inf"))


def prepare(keys: DocKeys, text: str, *, trim: bool) -> Prepared:
    """Trim spans (if asked), put every layer in canonical order, renumber references."""
    raw_mentions = keys.mentions
    spans = [(s, e) for s, e, _ in raw_mentions]
    if trim and spans:
        spans = trim_all(text, spans)

    # Actors: ordered by their first (trimmed) mention — mentions are unique, so
    # this is a content order — then type and id for actors without mentions.
    first: dict[int, SpanKey] = {}
    for span, (_, _, a) in zip(spans, raw_mentions):
        f = first.get(a)
        if f is None or span < f:
            first[a] = span
    ids, types = keys.actor_ids, keys.actor_types
    a_order, a_pos = _order([(first.get(i, _NO_SPAN), types[i], ids[i]) for i in range(len(ids))])
    actor_types = [types[i] for i in a_order]

    mentions = sorted([(s, e, actor_types[a_pos[a]], a_pos[a]) for (s, e), (_, _, a) in zip(spans, raw_mentions)])
    actor_mentions: list[list[int]] = [[] for _ in a_order]
    for index, m in enumerate(mentions):
        actor_mentions[m[3]].append(index)

    def item(raw: tuple[SpanKey, ...]) -> Item:
        if len(raw) == 1:
            return (trim_span(text, *raw[0]),) if trim else raw
        return canonical_item(trim_all(text, raw) if trim else raw)

    quotes_raw = [
        (
            item(content),
            None if cue is None else (trim_span(text, *cue) if trim else cue),
            -1 if speaker < 0 else a_pos[speaker],
            q_type,
        )
        for content, cue, speaker, q_type in keys.quotes
    ]
    q_order, _ = _order([(q[0], q[1] or (-1, -1), q[2], q[3], keys.quote_ids[i]) for i, q in enumerate(quotes_raw)])

    targets_raw = [
        (item(mentions_) if mentions_ else (), -1 if actor < 0 else a_pos[actor], kind)
        for mentions_, actor, kind in keys.targets
    ]
    t_order, t_pos = _order([(targets_raw[i], keys.target_ids[i]) for i in range(len(targets_raw))])

    stances_raw = [(a_pos[h], t_pos[t], p) for h, t, p in keys.stances]
    s_order, _ = _order([(stances_raw[i], keys.stance_ids[i]) for i in range(len(stances_raw))])

    return Prepared(
        id=keys.id,
        text=text,
        actor_ids=[ids[i] for i in a_order],
        actor_types=actor_types,
        actor_names=[keys.actor_names[i] for i in a_order],
        actor_mentions=actor_mentions,
        mentions=mentions,
        quote_ids=[keys.quote_ids[i] for i in q_order],
        quotes=[quotes_raw[i] for i in q_order],
        target_ids=[keys.target_ids[i] for i in t_order],
        targets=[targets_raw[i] for i in t_order],
        stance_ids=[keys.stance_ids[i] for i in s_order],
        stances=[stances_raw[i] for i in s_order],
    )
