"""Reading and writing corpus files: JSON Lines, streamed, with line numbers.

Files are read one line at a time so that memory stays flat however large a
file grows; every line that cannot be used becomes a `Problem` naming the file
and line instead of an exception.  Writes go to a temporary file in the target
directory that is renamed over the target only when complete, so a crash never
leaves a half-written corpus behind.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

import jsonlines
import orjson

from .model import Document
from .parse import parse_document
from .problems import CorpusError, Problem


@dataclass(slots=True)
class Line:
    """One decoded JSON value and where it came from."""

    file: str
    line: int
    value: Any


@dataclass(slots=True)
class ParsedLine:
    """One line parsed as a document; `document` is None when it was unusable."""

    file: str
    line: int
    document: Document | None
    problems: list[Problem]


class _CountingLines:
    """Iterates over a binary file's lines and remembers the number of the last one.

    jsonlines.Reader numbers the lines it rejects but not the ones it accepts;
    wrapping the source lets us report a line number for every document.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.number = 0

    def __iter__(self) -> Iterator[bytes]:
        for raw in self._stream:
            self.number += 1
            yield raw


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the ``*.jsonl`` files directly inside named directories."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.jsonl")))
        else:
            out.append(p)
    return out


def read_json_lines(path: str | Path) -> Iterator[Line | Problem]:
    """Yield each non-blank line of `path` decoded, or a `Problem` for a line that is not JSON."""
    name = str(path)
    try:
        stream = open(path, "rb")
    except OSError as exc:
        yield Problem(name, None, None, "file", f"cannot open: {exc.strerror or exc}")
        return
    with stream:
        counter = _CountingLines(stream)
        reader = jsonlines.Reader(counter, loads=orjson.loads)
        while True:
            try:
                value = reader.read(skip_empty=True, allow_none=True)
            except EOFError:
                return
            except jsonlines.InvalidLineError as exc:
                yield Problem(name, exc.lineno, None, "line", _describe_invalid_line(exc))
                continue
            if not isinstance(value, dict):
                yield Problem(name, counter.number, None, "line", "expected a JSON object (one document per line)")
                continue
            yield Line(name, counter.number, value)


def _describe_invalid_line(exc: jsonlines.InvalidLineError) -> str:
    message = str(exc)
    # jsonlines appends the offending line itself; a whole article is too long for a message.
    message = message.split(" (line ")[0]
    if "utf-8" in message:
        return "not valid UTF-8 (" + message.split(": ", 1)[-1] + ")"
    if "invalid json" in message:
        return "malformed JSON (" + message.split(": ", 1)[-1] + ")"
    return message


def read_documents(path: str | Path, *, prediction: bool = False) -> Iterator[ParsedLine]:
    """Parse every line of `path` as a document; structural problems are attached, not raised."""
    for item in read_json_lines(path):
        if isinstance(item, Problem):
            yield ParsedLine(item.file, item.line or 0, None, [item])
            continue
        document, field_problems = parse_document(item.value, prediction=prediction)
        doc_id = document.id if document else _raw_id(item.value)
        problems = [Problem(item.file, item.line, doc_id, path, msg) for path, msg in field_problems]
        yield ParsedLine(item.file, item.line, document, problems)


def _raw_id(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def load_documents(paths: Iterable[str | Path], *, prediction: bool = False, check: bool = True) -> list[Document]:
    """Load every document of `paths`, raising `CorpusError` with all problems if any.

    With ``check=True`` the documents are also validated (offsets, references,
    duplicate ids); see `corpus.validate`.
    """
    from .validate import validate_files  # local import: validate builds on this module

    files = expand_paths(paths)
    if check:
        report = validate_files(files, prediction=prediction)
        if report.problems:
            raise CorpusError(report.problems)
        return report.documents
    documents: list[Document] = []
    problems: list[Problem] = []
    for file in files:
        for parsed in read_documents(file, prediction=prediction):
            problems.extend(parsed.problems)
            if parsed.document is not None:
                documents.append(parsed.document)
    if problems:
        raise CorpusError(problems)
    return documents


def dumps_document(document: Document, *, include_text: bool = True) -> bytes:
    return orjson.dumps(document.to_dict(include_text=include_text))


def write_documents(path: str | Path, documents: Iterable[Document | dict[str, Any]], *, include_text: bool = True) -> int:
    """Write documents as JSON Lines atomically; return how many were written."""
    count = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal count
        for d in documents:
            count += 1
            yield d.to_dict(include_text=include_text) if isinstance(d, Document) else d

    atomic_write_json_lines(path, rows())
    return count


def atomic_write_json_lines(path: str | Path, rows: Iterable[Any]) -> None:
    def write(stream: BinaryIO) -> None:
        with jsonlines.Writer(stream, dumps=orjson.dumps) as writer:
            for row in rows:
                writer.write(row)

    atomic_write(path, write)


def atomic_write(path: str | Path, write: Any) -> None:
    """Call ``write(binary_stream)`` on a temporary file, then rename it over `path`.

    If `write` raises, the temporary file is removed and `path` is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would, or keep the old file's.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda stream: stream.write(text.encode("utf-8")))
