"""Turn decoded JSON into the typed model, collecting every structural problem.

The parser never raises on bad input: it records a ``(field, message)`` pair
for each problem and keeps going, so that the validator can report all of them
at once.  It checks shapes, types and enumerated values; offsets against the
text and cross references are checked afterwards by `corpus.validate`.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from .model import (
    ACTOR_TYPES,
    MENTION_KINDS,
    POLARITIES,
    QUOTE_TYPES,
    TARGET_KINDS,
    Actor,
    Document,
    Evidence,
    Mention,
    SCHEMA_VERSION,
    Quote,
    Span,
    Stance,
    Target,
)

T = TypeVar("T")
FieldProblem = tuple[str, str]  # (JSON path inside the document, message)

KNOWN_META_KEYS = ("title", "source", "date", "url", "language", "license", "attribution", "split")
"""Metadata keys with a declared meaning (all strings); any other key is kept as it is."""

_DOCUMENT_KEYS = {
    "id", "text", "meta", "schema_version", "annotators",
    "actors", "quotes", "targets", "stances",
}


class _Fields:
    """Typed access to the keys of a JSON object, recording what is wrong."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems

    def report(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def object(self, value: Any, path: str, allowed: set[str] | None) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.report(path, f"expected an object, got {_json_type(value)}")
            return None
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.report(_join(path, key), "unknown field")
        return value

    def string(self, obj: dict[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
        if key not in obj or obj[key] is None:
            if required:
                self.report(_join(path, key), "missing required field")
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.report(_join(path, key), f"expected a string, got {_json_type(value)}")
            return None
        if required and not value:
            self.report(_join(path, key), "must not be empty")
            return None
        return value

    def integer(self, obj: dict[str, Any], key: str, path: str) -> int | None:
        if key not in obj:
            self.report(_join(path, key), "missing required field")
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(_join(path, key), f"expected an integer, got {_json_type(value)}")
            return None
        return value

    def choice(
        self, obj: dict[str, Any], key: str, path: str, choices: tuple[str, ...], *, required: bool = True
    ) -> str | None:
        value = self.string(obj, key, path, required=required)
        if value is not None and value not in choices:
            self.report(_join(path, key), f"{value!r} is not one of {', '.join(choices)}")
            return None
        return value

    def items(
        self, obj: dict[str, Any], key: str, path: str, parse_item: Callable[[Any, str], T | None]
    ) -> list[T]:
        value = obj.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list):
            self.report(_join(path, key), f"expected a list, got {_json_type(value)}")
            return []
        out: list[T] = []
        for index, item in enumerate(value):
            parsed = parse_item(item, f"{_join(path, key)}[{index}]")
            if parsed is not None:
                out.append(parsed)
        return out

    def optional_object(self, obj: dict[str, Any], key: str, path: str, parse: Callable[[Any, str], T | None]) -> T | None:
        value = obj.get(key)
        if value is None:
            return None
        return parse(value, _join(path, key))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_document(value: Any, *, prediction: bool = False) -> tuple[Document | None, list[FieldProblem]]:
    """Build a `Document` from decoded JSON; return it (None if unusable) and the problems.

    With ``prediction=True`` (an extractor's output) ``text`` and
    ``schema_version`` may be omitted: the text is then taken from the gold
    document with the same id, and the current schema version is assumed.
    """
    problems: list[FieldProblem] = []
    f = _Fields(problems)
    obj = f.object(value, "document", _DOCUMENT_KEYS)
    if obj is None:
        return None, problems
    doc_id = f.string(obj, "id", "")
    text: str | None = None
    if obj.get("text") is not None:
        text = f.string(obj, "text", "", required=False)
    elif not prediction:
        f.report("text", "missing required field")

    meta = obj.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        f.report("meta", f"expected an object, got {_json_type(meta)}")
        meta = {}
    for key in KNOWN_META_KEYS:
        if meta.get(key) is not None and not isinstance(meta[key], str):
            f.report(f"meta.{key}", f"expected a string, got {_json_type(meta[key])}")

    schema_version = obj.get("schema_version", None)
    if schema_version is None:
        if prediction:
            schema_version = SCHEMA_VERSION
        else:
            f.report("schema_version", "missing required field")
    elif not isinstance(schema_version, str):
        f.report("schema_version", f"expected a string, got {_json_type(schema_version)}")
        schema_version = None
    elif schema_version.split(".")[0] != "1":
        f.report("schema_version", f"unsupported schema version {schema_version!r} (this is 1.x)")

    annotators = obj.get("annotators", [])
    if annotators is None:
        annotators = []
    if not isinstance(annotators, list) or not all(isinstance(a, str) for a in annotators):
        f.report("annotators", "expected a list of strings")
        annotators = []

    def span(v: Any, path: str) -> Span | None:
        o = f.object(v, path, {"start", "end", "text"})
        if o is None:
            return None
        start, end = f.integer(o, "start", path), f.integer(o, "end", path)
        covered = o.get("text")
        if "text" not in o:
            f.report(_join(path, "text"), "missing required field")
            return None
        if not isinstance(covered, str):
            f.report(_join(path, "text"), f"expected a string, got {_json_type(covered)}")
            return None
        if start is None or end is None:
            return None
        return Span(start, end, covered)

    def mention(v: Any, path: str) -> Mention | None:
        o = f.object(v, path, {"start", "end", "text", "kind"})
        if o is None:
            return None
        kind = f.choice(o, "kind", path, MENTION_KINDS, required=False)
        s = span({k: o[k] for k in ("start", "end", "text") if k in o}, path)
        return None if s is None else Mention(s.start, s.end, s.text, kind)

    def actor(v: Any, path: str) -> Actor | None:
        o = f.object(v, path, {"id", "name", "type", "role", "affiliation", "mentions"})
        if o is None:
            return None
        a_id = f.string(o, "id", path)
        name = f.string(o, "name", path)
        a_type = f.choice(o, "type", path, ACTOR_TYPES)
        role = f.string(o, "role", path, required=False)
        affiliation = f.string(o, "affiliation", path, required=False)
        mentions = f.items(o, "mentions", path, mention)
        if a_id is None or name is None or a_type is None:
            return None
        return Actor(a_id, name, a_type, mentions, role, affiliation)

    def quote(v: Any, path: str) -> Quote | None:
        o = f.object(v, path, {"id", "type", "content", "cue", "speaker", "speaker_mention"})
        if o is None:
            return None
        q_id = f.string(o, "id", path)
        q_type = f.choice(o, "type", path, QUOTE_TYPES)
        if "content" not in o:
            f.report(_join(path, "content"), "missing required field")
        content = f.items(o, "content", path, span)
        if "content" in o and isinstance(o["content"], list) and not o["content"]:
            f.report(_join(path, "content"), "a quote needs at least one content span")
        cue = f.optional_object(o, "cue", path, span)
        speaker = f.string(o, "speaker", path, required=False)
        speaker_mention = f.optional_object(o, "speaker_mention", path, span)
        if q_id is None or q_type is None or not content:
            return None
        return Quote(q_id, content, q_type, cue, speaker, speaker_mention)

    def target(v: Any, path: str) -> Target | None:
        o = f.object(v, path, {"id", "label", "kind", "actor", "mentions"})
        if o is None:
            return None
        t_id = f.string(o, "id", path)
        label = f.string(o, "label", path)
        kind = f.choice(o, "kind", path, TARGET_KINDS)
        t_actor = f.string(o, "actor", path, required=False)
        mentions = f.items(o, "mentions", path, span)
        if t_id is None or label is None or kind is None:
            return None
        return Target(t_id, label, kind, mentions, t_actor)

    def evidence(v: Any, path: str) -> Evidence | None:
        o = f.object(v, path, {"quotes", "spans"})
        if o is None:
            return None
        quotes = o.get("quotes", []) or []
        if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
            f.report(_join(path, "quotes"), "expected a list of quote ids")
            quotes = []
        return Evidence(list(quotes), f.items(o, "spans", path, span))

    def stance(v: Any, path: str) -> Stance | None:
        o = f.object(v, path, {"id", "holder", "target", "polarity", "evidence"})
        if o is None:
            return None
        s_id = f.string(o, "id", path)
        holder = f.string(o, "holder", path)
        s_target = f.string(o, "target", path)
        polarity = f.choice(o, "polarity", path, POLARITIES)
        ev = f.optional_object(o, "evidence", path, evidence) or Evidence()
        if s_id is None or holder is None or s_target is None or polarity is None:
            return None
        return Stance(s_id, holder, s_target, polarity, ev)

    actors = f.items(obj, "actors", "", actor)
    quotes = f.items(obj, "quotes", "", quote)
    targets = f.items(obj, "targets", "", target)
    stances = f.items(obj, "stances", "", stance)
    if doc_id is None:
        return None, problems
    return (
        Document(
            id=doc_id,
            text=text,
            meta=meta,
            annotators=list(annotators),
            actors=actors,
            quotes=quotes,
            targets=targets,
            stances=stances,
            schema_version=schema_version if isinstance(schema_version, str) else "",
        ),
        problems,
    )
