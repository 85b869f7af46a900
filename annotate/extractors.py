"""The extractor protocol and the three ways an extractor plugs in.

An **extractor** is anything with a ``name`` and ``extract(documents) -> documents``: it is
given bare documents (id, text, meta) and yields the same documents, in the same order,
annotated in the corpus format.  It is found in one of three ways:

1. a Python class registered under the entry-point group ``whosaidwhat.extractors``
   (`load_extractor`);
2. a shell command that reads documents as JSON Lines on stdin and writes predictions as
   JSON Lines on stdout (`CommandExtractor`);
3. a predictions file made elsewhere (`load_predictions`, for ``whosaidwhat benchmark
   --predictions``).

Whatever the source, `checked` holds the output to the protocol: one document per input,
same ids in the same order, the same text (or none: then it is filled in), and a valid
annotation (`corpus.validate.check_document`).  A breach raises `ExtractorError` naming the
extractor and the document, before anything is written.
"""

from __future__ import annotations

import inspect
import shlex
import subprocess
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol, runtime_checkable

import orjson

from whosaidwhat.cli import UsageError
from whosaidwhat.corpus.jsonl import read_documents, read_json_lines
from whosaidwhat.corpus.model import Document
from whosaidwhat.corpus.parse import parse_document
from whosaidwhat.corpus.problems import CorpusError, Problem
from whosaidwhat.corpus.validate import check_document

ENTRY_POINT_GROUP = "whosaidwhat.extractors"


@runtime_checkable
class Extractor(Protocol):
    """What every extractor offers; see the module docstring."""

    name: str

    def extract(self, documents: Iterable[Document]) -> Iterator[Document]: ...


class ExtractorError(UsageError):
    """An extractor broke the protocol or failed; the message names it and the document."""


# --------------------------------------------------------------------------- entry points


def registered_extractors() -> dict[str, EntryPoint]:
    """Extractors installed under the entry-point group, by name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_extractor(name: str, **options: Any) -> Extractor:
    """Instantiate the registered extractor `name` with the `options` its constructor accepts.

    Options an extractor does not take (``n_process`` for a tool that has no such thing) are
    left out rather than failing, so one command line serves every extractor.
    """
    available = registered_extractors()
    if name not in available:
        known = ", ".join(sorted(available)) or "none"
        raise UsageError(f"no extractor named {name!r} (registered: {known}; or use --extractor-cmd)")
    try:
        factory = available[name].load()
    except ImportError as exc:
        raise UsageError(f"extractor {name!r} cannot be loaded: {exc}") from None
    accepted = _accepted_options(factory, options)
    extractor = factory(**accepted)
    if not isinstance(extractor, Extractor):
        raise UsageError(f"extractor {name!r} ({available[name].value}) has no name and extract(documents)")
    return extractor


def _accepted_options(factory: Any, options: dict[str, Any]) -> dict[str, Any]:
    given = {k: v for k, v in options.items() if v is not None}
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return given
    return {k: v for k, v in given.items() if k in parameters}


# --------------------------------------------------------------------------- shell commands


@dataclass
class CommandExtractor:
    """Runs a command per batch: documents as JSON Lines on its stdin, predictions on its stdout.

    The command line is split like a shell would (`shlex.split`) but run without a shell.
    Each batch is one run of the command, so a slow-starting program pays its start-up once
    per `batch_size` documents.
    """

    command: str
    batch_size: int = 1000
    timeout: float | None = None

    @property
    def name(self) -> str:
        return self.command

    def extract(self, documents: Iterable[Document]) -> Iterator[Document]:
        try:
            argv = shlex.split(self.command)
        except ValueError as exc:
            raise UsageError(f"cannot parse the extractor command {self.command!r}: {exc}") from None
        if not argv:
            raise UsageError("the extractor command is empty")
        stream = iter(documents)
        while batch := list(islice(stream, max(1, self.batch_size))):
            yield from self._run(argv, batch)

    def _run(self, argv: list[str], batch: list[Document]) -> Iterator[Document]:
        payload = b"".join(orjson.dumps(d.bare().to_dict()) + b"\n" for d in batch)
        where = _batch_label(batch)
        try:
            done = subprocess.run(argv, input=payload, capture_output=True, timeout=self.timeout, check=False)
        except FileNotFoundError:
            raise ExtractorError(f"extractor {self.name!r}: command not found: {argv[0]!r}") from None
        except PermissionError:
            raise ExtractorError(f"extractor {self.name!r}: not executable: {argv[0]!r}") from None
        except subprocess.TimeoutExpired:
            raise ExtractorError(f"extractor {self.name!r}: no answer within {self.timeout:g} s on {where}") from None
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        if done.returncode != 0:
            # The first document without an output line is the one it failed on.
            failed = batch[min(len(lines), len(batch) - 1)].id
            raise ExtractorError(
                f"extractor {self.name!r} exited with status {done.returncode} on document {failed!r} "
                f"({where}){_stderr_tail(done.stderr)}"
            )
        for index, expected in enumerate(batch):
            if index >= len(lines):
                raise ExtractorError(
                    f"extractor {self.name!r}: its output ended before document {expected.id!r} "
                    f"({len(lines)} line(s) for {len(batch)} document(s))"
                )
            try:
                value = orjson.loads(lines[index])
            except orjson.JSONDecodeError as exc:
                raise ExtractorError(
                    f"extractor {self.name!r}: output line {index + 1} (for document {expected.id!r}) "
                    f"is not JSON: {exc}"
                ) from None
            yield _parse_output(self.name, value, expected)
        if len(lines) > len(batch):
            raise ExtractorError(
                f"extractor {self.name!r}: {len(lines) - len(batch)} output line(s) more than documents given ({where})"
            )


def _batch_label(batch: list[Document]) -> str:
    if len(batch) == 1:
        return f"a batch of 1 document, {batch[0].id!r}"
    return f"a batch of {len(batch)} documents, {batch[0].id!r} … {batch[-1].id!r}"


def _stderr_tail(stderr: bytes, lines: int = 5) -> str:
    text = stderr.decode("utf-8", errors="replace").strip()
    if not text:
        return ""
    tail = "\n    ".join(text.splitlines()[-lines:])
    return f"; its stderr ends with:\n    {tail}"


def _parse_output(name: str, value: Any, expected: Document) -> Document:
    if not isinstance(value, dict):
        raise ExtractorError(f"extractor {name!r}: the output for document {expected.id!r} is not a JSON object")
    document, problems = parse_document(value, prediction=True)
    if problems or document is None:
        listed = "; ".join(f"{path}: {msg}" for path, msg in problems[:5])
        raise ExtractorError(f"extractor {name!r}: the output for document {expected.id!r} is not in the corpus format: {listed}")
    return document


# --------------------------------------------------------------------------- the protocol


def checked(extractor: Extractor, documents: Iterable[Document]) -> Iterator[Document]:
    """Run `extractor` over `documents`, holding each output to the protocol (module docstring)."""
    name = getattr(extractor, "name", type(extractor).__name__)
    given: list[Document] = []

    def feed() -> Iterator[Document]:
        for d in documents:
            bare = d.bare()
            given.append(bare)
            yield bare

    produced = 0
    source = feed()
    try:
        for out in extractor.extract(source):
            if produced >= len(given):
                raise ExtractorError(f"extractor {name!r} returned document {getattr(out, 'id', out)!r} that it was not given")
            expected = given[produced]
            given[produced] = None  # type: ignore[call-overload]  # release the text once checked
            produced += 1
            yield _conform(name, out, expected)
    except (ExtractorError, CorpusError):
        raise
    except UsageError:
        raise
    except Exception as exc:  # an extractor's own bug: name it and the document it was on
        on = next((g.id for g in given[produced:] if g is not None), None)
        where = f" on document {on!r}" if on else ""
        raise ExtractorError(f"extractor {name!r} failed{where}: {type(exc).__name__}: {exc}") from exc
    for _ in source:  # documents the extractor never asked for are missing too
        pass
    missing = [g.id for g in given[produced:] if g is not None]
    if missing:
        raise ExtractorError(f"extractor {name!r} returned no document for {missing[0]!r}" +
                             (f" and {len(missing) - 1} more" if len(missing) > 1 else ""))


def _conform(name: str, out: Any, expected: Document) -> Document:
    if not isinstance(out, Document):
        raise ExtractorError(f"extractor {name!r}: for document {expected.id!r} it returned a {type(out).__name__}, not a Document")
    if out.id != expected.id:
        raise ExtractorError(f"extractor {name!r} returned document {out.id!r} where {expected.id!r} was expected (same ids, same order)")
    if out.text is None:
        out.text = expected.text
    elif out.text != expected.text:
        raise ExtractorError(f"extractor {name!r} changed the text of document {expected.id!r}")
    out.meta = dict(expected.meta) if not out.meta else out.meta
    problems = check_document(out)
    if problems:
        listed = "; ".join(f"{path}: {msg}" for path, msg in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ExtractorError(f"extractor {name!r}: invalid annotation of document {expected.id!r}: {listed}{more}")
    return out


# --------------------------------------------------------------------------- input and predictions files


def read_bare_documents(path: str | Path) -> list[Document]:
    """The documents of a corpus file as an extractor sees them: id, text and meta only.

    Annotations in the file are not read at all, so a gold file is as good an input as a
    bare one; a line without a usable id or text is a problem naming file and line.
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for item in read_json_lines(path):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        value = item.value
        doc_id, text, meta = value.get("id"), value.get("text"), value.get("meta", {})
        ident = doc_id if isinstance(doc_id, str) else None
        if not isinstance(doc_id, str) or not doc_id:
            problems.append(Problem(item.file, item.line, ident, "id", "missing or not a non-empty string"))
        if not isinstance(text, str):
            problems.append(Problem(item.file, item.line, ident, "text", "missing or not a string"))
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            problems.append(Problem(item.file, item.line, ident, "meta", "expected an object"))
        if ident and ident in seen:
            problems.append(Problem(item.file, item.line, ident, "id", f"duplicate document id (first at line {seen[ident]})"))
        if ident:
            seen.setdefault(ident, item.line)
        if isinstance(doc_id, str) and doc_id and isinstance(text, str) and isinstance(meta, dict):
            documents.append(Document(id=doc_id, text=text, meta=dict(meta)))
    if problems:
        raise CorpusError(problems)
    return documents


def load_predictions(path: str | Path, gold: list[Document]) -> tuple[list[Document], list[str]]:
    """Predictions made elsewhere, lined up with `gold`: one document per gold document.

    Text may be omitted (it is taken from gold).  Returns the predictions in gold order and
    the ids of gold documents the file has no prediction for (they count as predicting
    nothing).  Problems — bad lines, unknown ids, text that differs, invalid annotation —
    raise `CorpusError` with file and line.
    """
    by_id = {d.id: d for d in gold}
    found: dict[str, Document] = {}
    problems: list[Problem] = []
    for parsed in read_documents(path, prediction=True):
        problems.extend(parsed.problems)
        doc = parsed.document
        if doc is None or parsed.problems:
            continue
        reference = by_id.get(doc.id)
        if reference is None:
            problems.append(Problem(parsed.file, parsed.line, doc.id, "id", "no gold document with this id"))
            continue
        if doc.id in found:
            problems.append(Problem(parsed.file, parsed.line, doc.id, "id", "predicted twice"))
            continue
        if doc.text is None:
            doc.text = reference.text
        elif doc.text != reference.text:
            problems.append(Problem(parsed.file, parsed.line, doc.id, "text", "differs from the gold document's text"))
            continue
        problems.extend(Problem(parsed.file, parsed.line, doc.id, f, m) for f, m in check_document(doc))
        found[doc.id] = doc
    if problems:
        raise CorpusError(problems)
    missing = [d.id for d in gold if d.id not in found]
    ordered = [found.get(d.id) or d.bare() for d in gold]
    return ordered, missing
