"""Shared fixtures for the converter tests: a realistic document and a generator of random valid ones."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from whosaidwhat.annotate.anchor import anchor_document
from whosaidwhat.corpus.model import ACTOR_TYPES, MENTION_KINDS, POLARITIES, QUOTE_TYPES, TARGET_KINDS, Document
from whosaidwhat.corpus.parse import parse_document
from whosaidwhat.corpus.validate import check_document

TEXT = (
    "“We will not accept it,” Anna Berg said, “and we will say so in Brussels.” "
    "The finance minister added that talks must go on. "
    "The Green Party, led by Jonas Lind, backs the plan. "
    "According to officials, Lind called it “a fair deal”."
)


def realistic() -> Document:
    """Curly quotes, a quote split by its cue, a pronoun-free nominal speaker, a pronoun, stances with evidence."""
    anchored: dict[str, Any] = {
        "id": "news-1",
        "text": TEXT,
        "meta": {"title": "Budget row", "language": "en", "date": "2024-05-02", "source": "Example Wire"},
        "annotators": ["lead"],
        "actors": [
            {"id": "a1", "name": "Anna Berg", "type": "PERSON", "role": "finance minister",
             "mentions": [{"text": "Anna Berg", "kind": "name"}, {"text": "The finance minister", "kind": "nominal"},
                          {"text": "We", "kind": "pronoun"}]},
            {"id": "a2", "name": "Green Party", "type": "ORGANIZATION",
             "mentions": [{"text": "The Green Party", "kind": "name"}]},
            {"id": "a3", "name": "Jonas Lind", "type": "PERSON", "affiliation": "a2",
             "mentions": [{"text": "Jonas Lind", "kind": "name"}, {"text": "Lind@2", "kind": "name"}]},
            {"id": "a4", "name": "officials", "type": "GROUP", "mentions": [{"text": "officials", "kind": "nominal"}]},
        ],
        "quotes": [
            {"id": "q1", "type": "direct",
             "content": ["We will not accept it", "and we will say so in Brussels."],
             "cue": "said", "speaker": "a1", "speaker_mention": "Anna Berg"},
            {"id": "q2", "type": "indirect", "content": ["talks must go on"], "cue": "added",
             "speaker": "a1", "speaker_mention": "The finance minister"},
            {"id": "q3", "type": "mixed", "content": ["it “a fair deal”"], "cue": "called",
             "speaker": "a3", "speaker_mention": "Lind@2"},
        ],
        "targets": [
            {"id": "t1", "label": "the budget plan", "kind": "proposal",
             "mentions": [{"text": "it", "in": "We will not accept it"}, "the plan", {"text": "it", "in": "called it"}]},
        ],
        "stances": [
            {"id": "s1", "holder": "a1", "target": "t1", "polarity": "oppose", "evidence": {"quotes": ["q1"], "spans": []}},
            {"id": "s2", "holder": "a2", "target": "t1", "polarity": "support",
             "evidence": {"quotes": [], "spans": ["backs the plan"]}},
            {"id": "s3", "holder": "a3", "target": "t1", "polarity": "support", "evidence": {"quotes": ["q3"], "spans": []}},
        ],
    }
    doc, problems = anchor_document(anchored)
    assert doc is not None, problems
    return doc


def canonical(doc: Document) -> dict[str, Any]:
    """A document as a dict with every list in a fixed order (converters may reorder mentions)."""
    d = doc.to_dict()
    for actor in d["actors"]:
        actor["mentions"].sort(key=lambda m: (m["start"], m["end"]))
    for target in d["targets"]:
        target["mentions"].sort(key=lambda m: (m["start"], m["end"]))
    for quote in d["quotes"]:
        quote["content"].sort(key=lambda m: (m["start"], m["end"]))
    for layer in ("actors", "quotes", "targets", "stances"):
        d[layer].sort(key=lambda x: x["id"])
    return d


def items_by_id(d: dict[str, Any], layer: str) -> dict[str, Any]:
    return {x["id"]: x for x in d[layer]}


def assert_round_trip(original: Document, back: Document, report, *, ignore_ids: bool = False) -> None:
    """Every item the report does not name comes back unchanged; every item it names changed or vanished."""
    a, b = canonical(original), canonical(back)
    for key in ("id", "text", "meta", "annotators"):
        assert a[key] == b[key], key
    for layer in ("actors", "quotes", "targets", "stances"):
        warned = report.dropped_items(original.id, layer)
        before, after = items_by_id(a, layer), items_by_id(b, layer)
        for item_id, item in before.items():
            if item_id in warned:
                assert after.get(item_id) != item, f"{layer}[{item_id}] was warned about but came back unchanged"
            else:
                assert after.get(item_id) == item, f"{layer}[{item_id}] changed without a warning"
        assert set(after) <= set(before), f"{layer}: items appeared: {set(after) - set(before)}"


# --------------------------------------------------------------------------- random valid documents

_WORDS = ["Anna", "said", "the", "plan", "“no”", "Kyiv", "we", "will", "talks", "on", "🙂", "é", "deal"]


@st.composite
def documents(draw) -> Document:
    """A random valid document; every span covers whole words (as annotators mark them)."""
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=12, max_size=40))
    text = " ".join(words)
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    free = list(range(len(words)))

    def take_span() -> dict[str, Any] | None:
        # A run of 1-3 unused words, so spans of one layer never collide.
        if not free:
            return None
        i = draw(st.sampled_from(free))
        n = draw(st.integers(1, 3))
        run = [j for j in range(i, i + n) if j in free and all(k in free for k in range(i, j + 1))]
        for j in run:
            free.remove(j)
        s, e = starts[run[0]], starts[run[-1]] + len(words[run[-1]])
        return {"start": s, "end": e, "text": text[s:e]}

    raw: dict[str, Any] = {"id": f"doc-{draw(st.integers(0, 999))}", "text": text, "schema_version": "1.0",
                           "meta": {"language": "en"}, "annotators": draw(st.lists(st.sampled_from(["x", "y"]), max_size=1)),
                           "actors": [], "quotes": [], "targets": [], "stances": []}
    for i in range(draw(st.integers(0, 3))):
        mentions = []
        for _ in range(draw(st.integers(0, 3))):
            span = take_span()
            if span:
                kind = draw(st.sampled_from([None, *MENTION_KINDS]))
                mentions.append({**span, **({"kind": kind} if kind else {})})
        actor = {"id": f"a{i}", "name": f"Actor {i}", "type": draw(st.sampled_from(ACTOR_TYPES)), "mentions": mentions}
        if draw(st.booleans()):
            actor["role"] = "spokesperson"
        raw["actors"].append(actor)
    if len(raw["actors"]) > 1 and draw(st.booleans()):
        raw["actors"][1]["affiliation"] = "a0"
    for i in range(draw(st.integers(0, 3))):
        content = [s for s in (take_span() for _ in range(draw(st.integers(1, 2)))) if s]
        if not content:
            break
        quote = {"id": f"q{i}", "type": draw(st.sampled_from(QUOTE_TYPES)), "content": content,
                 "cue": take_span() if draw(st.booleans()) else None, "speaker": None, "speaker_mention": None}
        speakers = [a for a in raw["actors"]]
        if speakers and draw(st.booleans()):
            speaker = draw(st.sampled_from(speakers))
            quote["speaker"] = speaker["id"]
            if speaker["mentions"] and draw(st.integers(0, 3)):
                m = draw(st.sampled_from(speaker["mentions"]))
                quote["speaker_mention"] = {k: m[k] for k in ("start", "end", "text")}
        raw["quotes"].append(quote)
    for i in range(draw(st.integers(0, 2))):
        mentions = [s for s in (take_span() for _ in range(draw(st.integers(0, 2)))) if s]
        kind = draw(st.sampled_from(TARGET_KINDS))
        target = {"id": f"t{i}", "label": f"target {i}", "kind": kind, "mentions": mentions}
        if kind == "actor":
            if not raw["actors"]:
                target["kind"] = "other"
            else:
                target["actor"] = draw(st.sampled_from(raw["actors"]))["id"]
        raw["targets"].append(target)
    triples = set()
    for i in range(draw(st.integers(0, 3))):
        if not raw["actors"] or not raw["targets"]:
            break
        triple = (draw(st.sampled_from(raw["actors"]))["id"], draw(st.sampled_from(raw["targets"]))["id"],
                  draw(st.sampled_from(POLARITIES)))
        if triple in triples:
            continue
        triples.add(triple)
        evidence = {"quotes": [q["id"] for q in raw["quotes"][:1]], "spans": [s for s in [take_span()] if s]}
        raw["stances"].append({"id": f"s{i}", "holder": triple[0], "target": triple[1], "polarity": triple[2],
                               "evidence": evidence})
    doc, problems = parse_document(copy.deepcopy(raw))
    assert doc is not None and not problems, problems
    assert not check_document(doc), check_document(doc)
    return doc
