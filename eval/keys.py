"""The scorer's compact view of a document: tuples of offsets and indices.

Scoring needs offsets, types and references, not the full dataclass model.
`DocKeys` holds exactly that, built either from a `Document`
(`keys_from_document`, for the in-memory API) or straight from decoded JSON
(`keys_from_json`, the hot path of `score_files`, which skips building
dataclasses).  Both must give the same keys; a property test checks it.

`keys_from_json` only accepts what it can vouch for cheaply (shapes,
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
from operator import itemgetter, sub
from typing import Any

from ..corpus.model import ACTOR_TYPES, POLARITIES, QUOTE_TYPES, TARGET_KINDS, Document
from .spans import Item, SpanKey, canonical_item, trim as trim_span, trim_all

_ACTOR_TYPES = frozenset(ACTOR_TYPES)
_QUOTE_TYPES = frozenset(QUOTE_TYPES)
_TARGET_KINDS = frozenset(TARGET_KINDS)
_POLARITIES = frozenset(POLARITIES)

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
_START_END_TEXT = itemgetter("start", "end", "text")
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


def _span(value: Any, out: list[RawSpan]) -> SpanKey:
    s, e, t = value["start"], value["end"], value["text"]
    out.append((s, e, t))
    return (s, e)


def _span_keys(values: Any, out: list[RawSpan]) -> tuple[SpanKey, ...]:
    """(start, end) of each span object; (start, end, text) appended to `out`."""
    triples = list(map(_START_END_TEXT, values))
    out += triples
    return tuple(zip(map(_FIRST, triples), map(_SECOND, triples)))


def keys_from_json(obj: Any, *, prediction: bool) -> DocKeys:
    """Keys of a decoded JSON document, or `NeedsFullCheck`."""
    try:
        return _keys_from_json(obj, prediction)
    except NeedsFullCheck:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        raise NeedsFullCheck(str(exc)) from exc


def _keys_from_json(obj: dict[str, Any], prediction: bool) -> DocKeys:
    doc_id = obj["id"]
    text = obj.get("text")
    if type(doc_id) is not str or not doc_id:
        raise NeedsFullCheck("id")
    if text is None:
        if not prediction:
            raise NeedsFullCheck("text")
    elif type(text) is not str:
        raise NeedsFullCheck("text")
    spans: list[RawSpan] = []
    actor_ids: list[str] = []
    actor_types: list[str] = []
    actor_names: list[str] = []
    mentions: list[tuple[int, int, int]] = []
    for index, actor in enumerate(obj.get("actors") or ()):
        a_type = actor["type"]
        if a_type not in _ACTOR_TYPES or type(actor["id"]) is not str or type(actor["name"]) is not str:
            raise NeedsFullCheck("actor")
        actor_ids.append(actor["id"])
        actor_types.append(a_type)
        actor_names.append(actor["name"])
        listed = actor.get("mentions")
        if listed:
            # The loops run in C: (start, end, text) of each mention, then (start, end, actor).
            triples = list(map(_START_END_TEXT, listed))
            spans += triples
            mentions += zip(map(_FIRST, triples), map(_SECOND, triples), repeat(index, len(triples)))
    actor_index = {a: i for i, a in enumerate(actor_ids)}
    owned_mentions = set(mentions)

    quote_ids: list[str] = []
    quotes = []
    for q in obj.get("quotes") or ():
        q_type = q["type"]
        content = _span_keys(q["content"], spans)
        if q_type not in _QUOTE_TYPES or not content or type(q["id"]) is not str:
            raise NeedsFullCheck("quote")
        cue = q.get("cue")
        cue_key = None if cue is None else _span(cue, spans)
        speaker = q.get("speaker")
        speaker_index = -1 if speaker is None else actor_index[speaker]
        sm = q.get("speaker_mention")
        if sm is not None:
            sm_key = _span(sm, spans)
            if speaker_index < 0 or (*sm_key, speaker_index) not in owned_mentions:
                raise NeedsFullCheck("speaker_mention")
        if len(content) > 1:
            ordered = sorted(content)
            if any(a[1] > b[0] for a, b in zip(ordered, ordered[1:])):
                raise NeedsFullCheck("content overlaps")
        quote_ids.append(q["id"])
        quotes.append((content, cue_key, speaker_index, q_type))

    target_ids: list[str] = []
    targets = []
    for t in obj.get("targets") or ():
        kind = t["kind"]
        t_actor = t.get("actor")
        if kind not in _TARGET_KINDS or type(t["id"]) is not str or type(t["label"]) is not str:
            raise NeedsFullCheck("target")
        if t_actor is None and kind == "actor":
            raise NeedsFullCheck("target actor")
        target_ids.append(t["id"])
        targets.append(
            (_span_keys(t.get("mentions") or (), spans), -1 if t_actor is None else actor_index[t_actor], kind)
        )
    target_index = {t: i for i, t in enumerate(target_ids)}

    quote_id_set = set(quote_ids)
    stance_ids: list[str] = []
    stances = []
    for st in obj.get("stances") or ():
        polarity = st["polarity"]
        if polarity not in _POLARITIES or type(st["id"]) is not str:
            raise NeedsFullCheck("stance")
        evidence = st.get("evidence")
        if evidence is not None:
            for q in evidence.get("quotes") or ():
                if q not in quote_id_set:
                    raise NeedsFullCheck("evidence")
            for s in evidence.get("spans") or ():
                _span(s, spans)
        stance_ids.append(st["id"])
        stances.append((actor_index[st["holder"]], target_index[st["target"]], polarity))

    # Uniqueness the scorer relies on: ids across layers, mentions, stance triples.
    n_ids = len(actor_ids) + len(quote_ids) + len(target_ids) + len(stance_ids)
    if len({*actor_ids, *quote_ids, *target_ids, *stance_ids}) != n_ids:
        raise NeedsFullCheck("duplicate id")
    if len(set(zip(map(_FIRST, mentions), map(_SECOND, mentions)))) != len(mentions) or len(set(stances)) != len(stances):
        raise NeedsFullCheck("duplicate mention or stance")
    if text is not None and not spans_match(text, spans):
        raise NeedsFullCheck("span")
    return DocKeys(doc_id, text, actor_ids, actor_types, actor_names, mentions, quote_ids, quotes, target_ids, targets, stance_ids, stances, spans)


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
