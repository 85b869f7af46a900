"""The corpus as Hugging Face `datasets` rows: explicit Features and lossless row conversion.

One row is one document.  The layers stay nested exactly as in our JSON Lines
format — lists of records (`datasets.List` of dicts, not the dict-of-lists
`Sequence`), so that a row reads like the document it came from and a mention
stays attached to its actor.

Encoding decisions (they are repeated in the dataset card):

- Closed vocabularies are `ClassLabel`s: actor type, mention kind, quote type,
  target kind and polarity.  A mention without a kind is stored as a *null*
  label (not -1 and not an extra "unspecified" name), so that the label set is
  exactly the format's.
- Spans are ``{start, end, text}`` structs with int32 offsets (Python string
  indices, i.e. Unicode code points).  An absent span (a quote without cue or
  speaker mention) is a null struct; an absent id reference (no speaker, no
  affiliation, a target that is not an actor) is a null string.
- ``meta`` is a struct of the metadata keys with a declared meaning, each a
  string or null.  Every other metadata entry — unknown keys, and declared keys
  whose value is not a string — goes, in its original order, into
  ``meta_extra``: a JSON object serialised as a string (null when there is
  none), so that arbitrary metadata survives the round trip without forcing a
  schema on it.

`document_to_row` and `row_to_record` are inverse: ``row_to_record(document_to_row(d))``
equals ``d.to_dict()`` as a JSON value (object key order aside: the declared
metadata keys come back first, in `META_FIELDS` order).
"""

from __future__ import annotations

from typing import Any

import orjson
from datasets import ClassLabel, Features, List, Value

from .model import ACTOR_TYPES, MENTION_KINDS, POLARITIES, QUOTE_TYPES, TARGET_KINDS, Document, Span

META_FIELDS: tuple[str, ...] = (
    "title",
    "source",
    "date",
    "url",
    "language",
    "license",
    "license_url",
    "attribution",
    "split",
)
"""Metadata keys stored as columns of the ``meta`` struct (the parser's declared keys plus
``license_url``, which `import-texts` adds)."""

CLASS_LABELS: dict[str, tuple[str, ...]] = {
    "actor type": ACTOR_TYPES,
    "mention kind": MENTION_KINDS,
    "quote type": QUOTE_TYPES,
    "target kind": TARGET_KINDS,
    "polarity": POLARITIES,
}
"""The label sets, named as the card describes them."""


def _span_feature() -> dict[str, Value]:
    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def corpus_features() -> Features:
    """The declared schema of a published corpus (one row per document)."""
    span = _span_feature
    return Features(
        {
            "id": Value("string"),
            "schema_version": Value("string"),
            "text": Value("string"),
            "meta": {key: Value("string") for key in META_FIELDS},
            "meta_extra": Value("string"),
            "annotators": List(Value("string")),
            "actors": List(
                {
                    "id": Value("string"),
                    "name": Value("string"),
                    "type": ClassLabel(names=list(ACTOR_TYPES)),
                    "role": Value("string"),
                    "affiliation": Value("string"),
                    "mentions": List({**span(), "kind": ClassLabel(names=list(MENTION_KINDS))}),
                }
            ),
            "quotes": List(
                {
                    "id": Value("string"),
                    "type": ClassLabel(names=list(QUOTE_TYPES)),
                    "content": List(span()),
                    "cue": span(),
                    "speaker": Value("string"),
                    "speaker_mention": span(),
                }
            ),
            "targets": List(
                {
                    "id": Value("string"),
                    "label": Value("string"),
                    "kind": ClassLabel(names=list(TARGET_KINDS)),
                    "actor": Value("string"),
                    "mentions": List(span()),
                }
            ),
            "stances": List(
                {
                    "id": Value("string"),
                    "holder": Value("string"),
                    "target": Value("string"),
                    "polarity": ClassLabel(names=list(POLARITIES)),
                    "evidence": {"quotes": List(Value("string")), "spans": List(span())},
                }
            ),
        }
    )


REQUIRED_COLUMNS: tuple[str, ...] = tuple(corpus_features())


def split_meta(meta: dict[str, Any]) -> tuple[dict[str, str | None], str | None]:
    """The ``meta`` struct and the ``meta_extra`` JSON string of one document's metadata."""
    struct: dict[str, str | None] = {key: None for key in META_FIELDS}
    extra: dict[str, Any] = {}
    for key, value in meta.items():
        if key in struct and isinstance(value, str):
            struct[key] = value
        else:
            # Unknown keys, and declared keys holding null or a non-string, keep
            # their exact JSON value here so that nothing is lost or invented.
            extra[key] = value
    return struct, (orjson.dumps(extra).decode("utf-8") if extra else None)


def join_meta(struct: dict[str, Any] | None, extra_json: str | None) -> dict[str, Any]:
    """The inverse of `split_meta`."""
    meta: dict[str, Any] = {}
    for key in META_FIELDS:
        value = (struct or {}).get(key)
        if value is not None:
            meta[key] = value
    if extra_json:
        extra = orjson.loads(extra_json)
        if not isinstance(extra, dict):
            raise ValueError("meta_extra must be a JSON object")
        meta.update(extra)
    return meta


def document_to_row(doc: Document) -> dict[str, Any]:
    """One document as a row of `corpus_features()`, labels still as strings (encoded by `datasets`)."""
    struct, extra = split_meta(doc.meta)

    def span(s: Span | None) -> dict[str, Any] | None:
        return None if s is None else {"start": s.start, "end": s.end, "text": s.text}

    return {
        "id": doc.id,
        "schema_version": doc.schema_version,
        "text": doc.text,
        "meta": struct,
        "meta_extra": extra,
        "annotators": list(doc.annotators),
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "type": a.type,
                "role": a.role,
                "affiliation": a.affiliation,
                "mentions": [{"start": m.start, "end": m.end, "text": m.text, "kind": m.kind} for m in a.mentions],
            }
            for a in doc.actors
        ],
        "quotes": [
            {
                "id": q.id,
                "type": q.type,
                "content": [span(s) for s in q.content],
                "cue": span(q.cue),
                "speaker": q.speaker,
                "speaker_mention": span(q.speaker_mention),
            }
            for q in doc.quotes
        ],
        "targets": [
            {"id": t.id, "label": t.label, "kind": t.kind, "actor": t.actor, "mentions": [span(s) for s in t.mentions]}
            for t in doc.targets
        ],
        "stances": [
            {
                "id": s.id,
                "holder": s.holder,
                "target": s.target,
                "polarity": s.polarity,
                "evidence": {"quotes": list(s.evidence.quotes), "spans": [span(x) for x in s.evidence.spans]},
            }
            for s in doc.stances
        ],
    }


class LabelDecoder:
    """Turns the integers `datasets` returns for ClassLabel columns back into label names.

    The names are read from the loaded dataset's own features rather than from
    our model, so that a row is decoded with the label set it was written with.
    """

    def __init__(self, features: Features):
        def names(feature: Any) -> list[str]:
            if not isinstance(feature, ClassLabel):
                raise ValueError(f"expected a ClassLabel, found {type(feature).__name__}")
            return list(feature.names)

        def item(list_feature: Any) -> dict[str, Any]:
            if not isinstance(list_feature, List) or not isinstance(list_feature.feature, dict):
                raise ValueError(f"expected a List of records, found {type(list_feature).__name__}")
            return list_feature.feature

        actor = item(features["actors"])
        self.actor_type = names(actor["type"])
        self.mention_kind = names(item(actor["mentions"])["kind"])
        self.quote_type = names(item(features["quotes"])["type"])
        self.target_kind = names(item(features["targets"])["kind"])
        self.polarity = names(item(features["stances"])["polarity"])

    @staticmethod
    def name_of(names: list[str], value: Any, what: str) -> Any:
        # Strings pass through (a dataset loaded with labels already decoded);
        # an integer must be one of the declared labels.
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int) and 0 <= value < len(names):
            return names[value]
        raise ValueError(f"{what} label {value!r} is not one of 0..{len(names) - 1}")


def row_to_record(row: dict[str, Any], labels: LabelDecoder) -> dict[str, Any]:
    """One row back as a document in our JSON format (a dict ready for `parse_document`)."""
    name = labels.name_of

    def span(s: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if s is None else {"start": s["start"], "end": s["end"], "text": s["text"]}

    def mention(m: dict[str, Any]) -> dict[str, Any]:
        out = {"start": m["start"], "end": m["end"], "text": m["text"]}
        kind = name(labels.mention_kind, m.get("kind"), "mention kind")
        if kind is not None:
            out["kind"] = kind
        return out

    def actor(a: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": a["id"], "name": a["name"], "type": name(labels.actor_type, a["type"], "actor type")}
        # Optional fields are omitted when null, as `Actor.to_dict` does.
        if a.get("role") is not None:
            out["role"] = a["role"]
        if a.get("affiliation") is not None:
            out["affiliation"] = a["affiliation"]
        out["mentions"] = [mention(m) for m in a.get("mentions") or []]
        return out

    def target(t: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": t["id"], "label": t["label"], "kind": name(labels.target_kind, t["kind"], "target kind")}
        if t.get("actor") is not None:
            out["actor"] = t["actor"]
        out["mentions"] = [span(s) for s in t.get("mentions") or []]
        return out

    record: dict[str, Any] = {"id": row["id"], "schema_version": row["schema_version"]}
    if row.get("text") is not None:
        record["text"] = row["text"]
    record["meta"] = join_meta(row.get("meta"), row.get("meta_extra"))
    record["annotators"] = list(row.get("annotators") or [])
    record["actors"] = [actor(a) for a in row.get("actors") or []]
    record["quotes"] = [
        {
            "id": q["id"],
            "type": name(labels.quote_type, q["type"], "quote type"),
            "content": [span(s) for s in q.get("content") or []],
            "cue": span(q.get("cue")),
            "speaker": q.get("speaker"),
            "speaker_mention": span(q.get("speaker_mention")),
        }
        for q in row.get("quotes") or []
    ]
    record["targets"] = [target(t) for t in row.get("targets") or []]
    record["stances"] = [
        {
            "id": s["id"],
            "holder": s["holder"],
            "target": s["target"],
            "polarity": name(labels.polarity, s["polarity"], "polarity"),
            "evidence": {
                "quotes": list((s.get("evidence") or {}).get("quotes") or []),
                "spans": [span(x) for x in (s.get("evidence") or {}).get("spans") or []],
            },
        }
        for s in row.get("stances") or []
    ]
    return record
