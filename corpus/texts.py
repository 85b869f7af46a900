"""Bring raw news texts into the corpus format as bare (unannotated) documents.

Two inputs are understood:

- plain ``.txt`` files — one article each, read byte for byte as UTF-8 (no
  stripping: gold offsets depend on every character); the id is the file name
  without extension and the title the first non-empty line;
- JSON Lines collections of articles — one object per line with ``id`` and
  ``text`` and metadata either under ``meta`` or at the top level (``title``,
  ``date``, ``url``, ``source``, ``license``, ``attribution``, ...), as in
  ``shared/news/wikinews-en-2019-2020.jsonl``.

The result is what an extractor or an annotator starts from.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Iterable, Iterator

from .jsonl import read_json_lines, write_documents
from .model import SCHEMA_VERSION, Document
from .parse import KNOWN_META_KEYS
from .problems import CorpusError, Problem

LICENSE_URLS: dict[str, str] = {
    "CC BY 2.5": "https://creativecommons.org/licenses/by/2.5/",
    "CC BY 3.0": "https://creativecommons.org/licenses/by/3.0/",
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
"""Licence names as sources write them, and the licence text they stand for."""

# Fields of a raw record that are counted or derived, not metadata worth keeping.
_DROPPED_RAW_FIELDS = {"n_words"}


def document_from_record(record: dict[str, Any], *, language: str = "en") -> tuple[Document | None, list[tuple[str, str]]]:
    """A bare document from one raw article record, or the problems that prevent it."""
    problems: list[tuple[str, str]] = []
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str) or not doc_id:
        problems.append(("id", "missing or not a string"))
    if not isinstance(text, str):
        problems.append(("text", "missing or not a string"))
    if problems:
        return None, problems
    meta: dict[str, Any] = dict(record.get("meta") or {})
    for key, value in record.items():
        if key not in ("id", "text", "meta") and key not in _DROPPED_RAW_FIELDS:
            meta.setdefault(key, value)
    for key in KNOWN_META_KEYS:
        if meta.get(key) is not None and not isinstance(meta[key], str):
            problems.append((key, "metadata must be a string"))
    meta.setdefault("language", language)
    license_name = meta.get("license")
    if isinstance(license_name, str) and license_name in LICENSE_URLS:
        meta.setdefault("license_url", LICENSE_URLS[license_name])
    if problems:
        return None, problems
    return Document(id=doc_id, text=text, meta=meta, schema_version=SCHEMA_VERSION), []


def document_from_text_file(path: Path, *, language: str = "en") -> Document:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError([Problem(str(path), None, None, "text", f"not valid UTF-8 ({exc})")]) from None
    title = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    return Document(id=path.stem, text=text, meta={"title": title, "language": language}, schema_version=SCHEMA_VERSION)


def read_texts(paths: Iterable[str | Path], *, ids: set[str] | None = None, language: str = "en") -> Iterator[Document]:
    """Bare documents from .txt files and JSON Lines collections; raise `CorpusError` with every problem."""
    problems: list[Problem] = []
    documents: list[Document] = []
    seen: set[str] = set()
    for path in map(Path, paths):
        if path.suffix == ".txt":
            try:
                documents.append(document_from_text_file(path, language=language))
            except OSError as exc:
                problems.append(Problem(str(path), None, None, "file", f"cannot read: {exc.strerror or exc}"))
            except CorpusError as exc:
                problems.extend(exc.problems)
            continue
        for item in read_json_lines(path):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            doc, found = document_from_record(item.value, language=language)
            raw_id = item.value.get("id") if isinstance(item.value.get("id"), str) else None
            problems.extend(Problem(item.file, item.line, raw_id, field, msg) for field, msg in found)
            if doc is not None:
                documents.append(doc)
    for doc in documents:
        if doc.id in seen:
            problems.append(Problem("-", None, doc.id, "id", "the same document id comes twice"))
        seen.add(doc.id)
    if ids is not None:
        missing = ids - seen
        problems.extend(Problem("-", None, i, "id", "no such document in the input") for i in sorted(missing))
        documents = [d for d in documents if d.id in ids]
    if problems:
        raise CorpusError(problems)
    yield from documents


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import-texts",
        help="turn raw news texts (.txt files or a JSON Lines collection) into bare corpus documents",
        description="Read .txt articles (byte for byte) or JSON Lines collections of {id, text, title, date, url, "
        "source, license, attribution, ...} and write bare corpus documents (no annotation) atomically.",
    )
    p.add_argument("inputs", nargs="+", metavar="IN")
    p.add_argument("--out", required=True, metavar="OUT.jsonl")
    p.add_argument("--id", dest="ids", action="append", metavar="ID", help="keep only these document ids (repeatable)")
    p.add_argument("--language", default="en", help="meta.language for documents that do not say (default: en)")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    documents = list(read_texts(args.inputs, ids=set(args.ids) if args.ids else None, language=args.language))
    count = write_documents(args.out, documents)
    print(f"wrote {count} document(s) to {args.out}")
    return 0
