"""The key: what annotation tools have no place for, carried beside the annotation.

Span-and-relation tools show labelled regions and links between them; they have
no field for an actor's canonical name, role or affiliation, a target's label,
the ids of our objects, a stance's evidence or the document's metadata.  Each
exporter stores this *key* where its format keeps opaque data (Label Studio task
``meta``, an extra doccano field, a brat sidecar ``.json``, spaCy ``user_data``)
and each importer reads it back.

Entries are matched to the re-imported annotation by **character offsets**, not
by tool ids, because tools renumber (doccano assigns new entity ids, brat new T
ids after edits).  An annotator's edits therefore keep what they can: an actor
that gained a mention keeps its name; a new actor gets a fresh id and a name
taken from its mentions.  The key also records a hash of the text, so that an
export whose text changed is refused instead of misplacing every offset.
"""

from __future__ import annotations

import hashlib
from typing import Any

from whosaidwhat.corpus.model import Document

KEY_VERSION = 1


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_key(doc: Document) -> dict[str, Any]:
    """The key of one document (JSON-serialisable)."""
    return {
        "whosaidwhat_key": KEY_VERSION,
        "id": doc.id,
        "text_sha256": text_digest(doc.text or ""),
        "schema_version": doc.schema_version,
        "meta": dict(doc.meta),
        "annotators": list(doc.annotators),
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "role": a.role,
                "affiliation": a.affiliation,
                "mentions": [[m.start, m.end, m.kind] for m in a.mentions],
            }
            for a in doc.actors
        ],
        "quotes": [{"id": q.id, "content": [[s.start, s.end] for s in q.content]} for q in doc.quotes],
        "targets": [
            {"id": t.id, "label": t.label, "mentions": [[s.start, s.end] for s in t.mentions]} for t in doc.targets
        ],
        "stances": [
            {"id": s.id, "holder": s.holder, "target": s.target, "polarity": s.polarity, "evidence": s.evidence.to_dict()}
            for s in doc.stances
        ],
    }


def check_key(key: Any, text: str) -> str | None:
    """Why `key` cannot be used with `text` (None when it can)."""
    if not isinstance(key, dict) or key.get("whosaidwhat_key") != KEY_VERSION:
        return "not a whosaidwhat key (expected an object with \"whosaidwhat_key\": 1)"
    if key.get("text_sha256") != text_digest(text):
        return "the key was made for a different text (the document text changed after export)"
    for layer in ("actors", "quotes", "targets", "stances"):
        if not isinstance(key.get(layer, []), list):
            return f"key field {layer!r} must be a list"
    return None
