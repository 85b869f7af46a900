"""Anchored annotation: write spans as text, let the tool compute the offsets.

Typing character offsets by hand is how gold data goes wrong.  An *anchored*
annotation file is the corpus format with every span replaced by a span
reference that names the words instead of their offsets:

- ``"Kaja Kallas"`` — the words, which must occur exactly once in the text as
  whole words (not inside a longer word);
- ``"he@3"`` — the third whole-word occurrence of "he" (1-based);
- ``{"text": "he", "in": "A negotiated peace, he said"}`` — the occurrence of
  "he" inside a context string that itself occurs exactly once.

`anchor_document` resolves every reference and returns a normal `Document`
(or the problems, each naming the field and why the reference is ambiguous or
missing).  The ``whosaidwhat anchor`` command does this for a file.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import orjson

from whosaidwhat.corpus.jsonl import write_documents
from whosaidwhat.corpus.model import Document
from whosaidwhat.corpus.parse import FieldProblem, parse_document
from whosaidwhat.corpus.problems import CorpusError, Problem
from whosaidwhat.corpus.validate import check_document

_OCCURRENCE = re.compile(r"^(?P<text>.+)@(?P<n>[1-9][0-9]*)$", re.DOTALL)


class AnchorError(ValueError):
    """A span reference that does not pick out exactly one place of the text."""


def _whole_word_occurrences(text: str, words: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Start offsets of `words` in text[lo:hi] that are not glued to a letter or digit on either side."""
    hi = len(text) if hi is None else hi
    starts: list[int] = []
    i = text.find(words, lo, hi)
    while i != -1:
        end = i + len(words)
        left_ok = i == 0 or not (text[i - 1].isalnum() and words[0].isalnum())
        right_ok = end == len(text) or not (text[end].isalnum() and words[-1].isalnum())
        if left_ok and right_ok:
            starts.append(i)
        i = text.find(words, i + 1, hi)
    return starts


def resolve_span(text: str, ref: Any) -> dict[str, Any]:
    """Turn one span reference into ``{start, end, text}``; raise `AnchorError` if it is not unique."""
    if isinstance(ref, dict) and "start" in ref and "end" in ref:
        return ref  # already standoff: left for the validator to check
    if isinstance(ref, dict) and "text" in ref:
        words, context = ref["text"], ref.get("in")
        extra = {k: v for k, v in ref.items() if k not in ("text", "in")}
        if context is None:
            return {**resolve_span(text, words), **extra}
        if not isinstance(context, str) or not isinstance(words, str):
            raise AnchorError("'text' and 'in' must be strings")
        places = _whole_word_occurrences(text, context)
        if len(places) != 1:
            raise AnchorError(f"context {context!r} occurs {len(places)} times; it must occur exactly once")
        inside = _whole_word_occurrences(text, words, places[0], places[0] + len(context))
        if len(inside) != 1:
            raise AnchorError(f"{words!r} occurs {len(inside)} times inside the context {context!r}")
        return {"start": inside[0], "end": inside[0] + len(words), "text": words, **extra}
    if not isinstance(ref, str) or not ref:
        raise AnchorError(f"expected a span reference (a string, 'words@N' or an object with 'text'), got {ref!r}")
    match = _OCCURRENCE.match(ref)
    if match and (ref in text or match.group("text") not in text):
        match = None  # "@" was part of the words themselves (an e-mail address, say)
    words = match.group("text") if match else ref
    places = _whole_word_occurrences(text, words)
    if match:
        n = int(match.group("n"))
        if n > len(places):
            raise AnchorError(f"{words!r} occurs only {len(places)} times, not {n}")
        start = places[n - 1]
    elif len(places) == 1:
        start = places[0]
    elif not places:
        raise AnchorError(f"{words!r} does not occur in the text as whole words")
    else:
        raise AnchorError(
            f"{words!r} occurs {len(places)} times; write '{words}@N' (N from 1 to {len(places)}) "
            "or give a unique context with {\"text\": ..., \"in\": ...}"
        )
    return {"start": start, "end": start + len(words), "text": words}


# Where span references may stand in an anchored document: (layer, field, is a list).
_SPAN_FIELDS: dict[str, list[tuple[str, bool]]] = {
    "actors": [("mentions", True)],
    "quotes": [("content", True), ("cue", False), ("speaker_mention", False)],
    "targets": [("mentions", True)],
}


def anchor_document(value: dict[str, Any]) -> tuple[Document | None, list[FieldProblem]]:
    """Resolve the span references of one anchored document and validate the result."""
    problems: list[FieldProblem] = []
    text = value.get("text")
    if not isinstance(text, str):
        return None, [("text", "an anchored document needs its text")]
    out = dict(value)

    def resolve(ref: Any, path: str) -> Any:
        try:
            return resolve_span(text, ref)
        except AnchorError as exc:
            problems.append((path, str(exc)))
            return None

    for layer, fields in _SPAN_FIELDS.items():
        items = value.get(layer) or []
        if not isinstance(items, list):
            continue  # the parser reports the wrong type
        new_items = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                new_items.append(item)
                continue
            item = dict(item)
            for name, is_list in fields:
                ref = item.get(name)
                if ref is None:
                    continue
                if is_list and isinstance(ref, list):
                    resolved = [resolve(r, f"{layer}[{i}].{name}[{j}]") for j, r in enumerate(ref)]
                    item[name] = [r for r in resolved if r is not None]
                elif not is_list:
                    item[name] = resolve(ref, f"{layer}[{i}].{name}")
            new_items.append(item)
        out[layer] = new_items
    stances = []
    for i, stance in enumerate(value.get("stances") or []):
        if isinstance(stance, dict) and isinstance(stance.get("evidence"), dict):
            evidence = dict(stance["evidence"])
            spans = [resolve(r, f"stances[{i}].evidence.spans[{j}]") for j, r in enumerate(evidence.get("spans") or [])]
            evidence["spans"] = [s for s in spans if s is not None]
            stance = {**stance, "evidence": evidence}
        stances.append(stance)
    out["stances"] = stances
    out.setdefault("schema_version", "1.0")
    document, parse_problems = parse_document(out)
    problems.extend(parse_problems)
    if document is not None and not problems:
        problems.extend(check_document(document))
    return (document if not problems else None), problems


def anchor_file(path: str | Path) -> list[Document]:
    """Anchor every document of a JSON (one object or a list) or JSON Lines file; raise `CorpusError`."""
    name = str(path)
    raw = Path(path).read_bytes()
    try:
        values: list[tuple[int | None, Any]]
        if name.endswith(".jsonl"):
            values = [(i, orjson.loads(line)) for i, line in enumerate(raw.splitlines(), 1) if line.strip()]
        else:
            loaded = orjson.loads(raw)
            values = [(None, v) for v in (loaded if isinstance(loaded, list) else [loaded])]
    except orjson.JSONDecodeError as exc:
        raise CorpusError([Problem(name, None, None, "file", f"malformed JSON ({exc})")]) from None
    documents, problems = [], []
    for line, value in values:
        doc_id = value.get("id") if isinstance(value, dict) else None
        if not isinstance(value, dict):
            problems.append(Problem(name, line, None, "document", "expected a JSON object"))
            continue
        document, found = anchor_document(value)
        problems.extend(Problem(name, line, doc_id, field, message) for field, message in found)
        if document is not None:
            documents.append(document)
    if problems:
        raise CorpusError(problems)
    return documents


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "anchor",
        help="turn anchored annotation (spans written as words) into the standoff corpus format",
        description="Read documents whose spans are written as words ('Kaja Kallas', 'he@3', "
        "{\"text\": \"he\", \"in\": \"A negotiated peace, he said\"}), compute the offsets, validate, "
        "and write JSON Lines atomically. Ambiguous or missing words are reported with their field.",
    )
    p.add_argument("inputs", nargs="+", metavar="IN", help="anchored .json (object or list) or .jsonl files")
    p.add_argument("--out", required=True, metavar="OUT.jsonl")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    documents: list[Document] = []
    problems: list[Problem] = []
    for path in args.inputs:
        try:
            documents.extend(anchor_file(path))
        except CorpusError as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem(str(path), None, None, "file", f"cannot read: {exc.strerror or exc}"))
    if problems:
        raise CorpusError(problems)
    count = write_documents(args.out, documents)
    print(f"wrote {count} document(s) to {args.out}")
    return 0
