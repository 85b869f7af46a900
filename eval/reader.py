"""Streaming gold and prediction files in step, with every problem located.

Gold and prediction documents are paired by id without loading either file:
when both files list the documents in the same order (the usual case: an
extractor writes its output in input order) each gold line is matched with
the next prediction line and nothing is kept.  When the orders differ, the
prediction lines read ahead are remembered in an index of id -> (line
number, byte offset) and read again by seeking when their gold document
comes; memory then grows by one small index entry per out-of-order document,
never by documents.

Each line is turned into `DocKeys` by the fast path (`keys_from_bytes`);
when that path cannot vouch for a line, it is decoded with orjson and the
corpus parser and validator run on it and report every problem as
``file:line: document-id: field: message`` (or accept it after all).

Document ids already seen are kept as 64-bit digests in sorted numpy arrays
(`SeenIds`, 16 bytes a document with the line number), not as a set of
strings, so that memory stays nearly flat on files of millions of documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import orjson

from ..corpus.parse import parse_document
from ..corpus.problems import Problem
from ..corpus.validate import check_document
from .keys import DocKeys, NeedsFullCheck, keys_from_bytes, keys_from_document, spans_match


class LineFile:
    """A JSON Lines file read as binary lines, with line numbers and byte offsets.

    With `digest`, the sha256 of the file is updated as lines are read; after
    `seek` back, lines already hashed are not hashed again.
    """

    def __init__(self, path: str, digest: bool = False):
        self.name = str(path)
        self._stream = open(path, "rb")
        self._seeker: Any = None
        self.line = 0
        self.offset = 0
        self.hash = hashlib.sha256() if digest else None
        self._hashed = 0  # bytes of the file already in the digest

    def __iter__(self) -> Iterator[tuple[int, int, bytes]]:
        """(line number, byte offset, raw line) of every non-blank line from the current position."""
        readline = self._stream.readline
        while True:
            raw = readline()
            if not raw:
                return
            self.line += 1
            offset = self.offset
            self.offset += len(raw)
            if self.hash is not None and self.offset > self._hashed:
                self.hash.update(raw)
                self._hashed = self.offset
            if raw.strip():
                yield self.line, offset, raw

    def seek(self, offset: int, line: int) -> None:
        """Continue reading at byte `offset`, which is the start of line ``line + 1``."""
        self._stream.seek(offset)
        self.offset, self.line = offset, line

    def finish_digest(self) -> str:
        """The file's sha256, reading whatever has not been read yet."""
        if self.hash is None:
            return ""
        self._stream.seek(self._hashed)
        for chunk in iter(lambda: self._stream.read(1 << 20), b""):
            self.hash.update(chunk)
            self._hashed += len(chunk)
        return self.hash.hexdigest()

    def read_at(self, offset: int) -> bytes:
        if self._seeker is None:
            self._seeker = open(self.name, "rb")
        self._seeker.seek(offset)
        return self._seeker.readline()

    def close(self) -> None:
        self._stream.close()
        if self._seeker is not None:
            self._seeker.close()


def decode(file: str, line: int, raw: bytes) -> tuple[dict[str, Any] | None, Problem | None]:
    """The JSON object on a line, or the problem with it."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        if "utf-8" in message.lower():
            return None, Problem(file, line, None, "line", f"not valid UTF-8 ({message})")
        return None, Problem(file, line, None, "line", f"malformed JSON ({message})")
    if not isinstance(value, dict):
        return None, Problem(file, line, None, "line", "expected a JSON object (one document per line)")
    return value, None


def raw_id(obj: dict[str, Any]) -> str | None:
    value = obj.get("id")
    return value if isinstance(value, str) and value else None


def full_check(
    obj: dict[str, Any], file: str, line: int, *, prediction: bool, gold_text: str | None = None
) -> tuple[DocKeys | None, list[Problem]]:
    """Parse and validate one document with the corpus's own checks; keys if it is usable."""
    doc, field_problems = parse_document(obj, prediction=prediction)
    doc_id = doc.id if doc is not None else raw_id(obj)
    problems = [Problem(file, line, doc_id, path, message) for path, message in field_problems]
    if doc is None:
        return None, problems
    if doc.text is None and gold_text is not None:
        doc.text = gold_text  # a prediction without text is checked against the gold text
    problems += [Problem(file, line, doc_id, path, message) for path, message in check_document(doc)]
    if problems:
        return None, problems
    return keys_from_document(doc), []


def gold_keys(file: str, line: int, raw: bytes) -> tuple[DocKeys | None, list[Problem], str | None]:
    """Keys of a gold line (fast path, else the full check), its problems, and its id when known."""
    try:
        keys = keys_from_bytes(raw, prediction=False)
        return keys, [], keys.id
    except NeedsFullCheck:
        pass
    obj, problem = decode(file, line, raw)
    if problem is not None:
        return None, [problem], None
    keys, problems = full_check(obj, file, line, prediction=False)
    return keys, problems, keys.id if keys is not None else raw_id(obj)


def prediction_id(file: str, line: int, raw: bytes) -> tuple[str | None, DocKeys | None, Problem | None]:
    """The id of a prediction line, with its keys when the fast path vouches for them (checked against no text yet)."""
    try:
        fast = keys_from_bytes(raw, prediction=True)
        return fast.id, fast, None
    except NeedsFullCheck:
        pass
    obj, problem = decode(file, line, raw)
    if problem is not None:
        return None, None, problem
    pid = raw_id(obj)
    if pid is None:
        return None, None, Problem(file, line, None, "id", "missing or empty document id")
    return pid, None, None


def prediction_keys(
    file: str, line: int, raw: bytes, gold_text: str, fast: DocKeys | None = None
) -> tuple[DocKeys | None, list[Problem]]:
    """Keys of a prediction line for the gold document with `gold_text`, or its problems.

    `fast` are the line's keys from `prediction_id`, if the fast path took it
    (else the fast path is tried here); they still have to fit the gold text (the same text, or spans that repeat
    it).  Otherwise the line is parsed and validated in full.
    """
    if fast is None:
        try:
            fast = keys_from_bytes(raw, prediction=True)
        except NeedsFullCheck:
            pass
    if fast is not None:
        if fast.text is None:
            if spans_match(gold_text, fast.spans):
                return fast, []
        elif fast.text == gold_text:
            return fast, []
    obj, problem = decode(file, line, raw)
    if problem is not None:
        return None, [problem]
    p_text = obj.get("text")
    if p_text is not None and p_text != gold_text:
        message = text_difference(gold_text, p_text) if isinstance(p_text, str) else "expected a string"
        return None, [Problem(file, line, raw_id(obj), "text", message)]
    return full_check(obj, file, line, prediction=True, gold_text=gold_text)


def text_difference(gold: str, pred: str) -> str:
    """Where two texts first differ, for the error message."""
    n = min(len(gold), len(pred))
    i = next((k for k in range(n) if gold[k] != pred[k]), n)
    return (
        f"the text differs from the gold text at character {i} "
        f"(gold {gold[i:i + 20]!r}, prediction {pred[i:i + 20]!r}; lengths {len(gold)} and {len(pred)})"
    )


def id_digest(doc_id: str) -> int:
    """A stable 64-bit digest of a document id (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class SeenIds:
    """Document ids seen so far, with the line of each, as 64-bit digests.

    Recent ids sit in a small dictionary that is merged into sorted numpy
    arrays when it fills, so a lookup is a dictionary probe plus a binary
    search.  Two different ids share a digest with probability about
    n²/2⁶⁵ (10⁻¹⁰ for 100,000 documents); such a pair would be reported
    as a duplicate, never passed over silently.
    """

    _MERGE_AT = 4096

    def __init__(self) -> None:
        self._recent: dict[int, int] = {}
        self._digests = np.zeros(0, dtype=np.uint64)
        self._lines = np.zeros(0, dtype=np.int64)

    def first_line(self, digest: int) -> int | None:
        line = self._recent.get(digest)
        if line is not None:
            return line
        if self._digests.size:
            i = int(np.searchsorted(self._digests, np.uint64(digest)))
            if i < self._digests.size and int(self._digests[i]) == digest:
                return int(self._lines[i])
        return None

    def register(self, doc_id: str, line: int) -> int | None:
        """Note `doc_id` as seen at `line`; if it was seen before, note nothing and return the earlier line."""
        digest = id_digest(doc_id)
        first = self.first_line(digest)
        if first is None:
            self.add(digest, line)
        return first

    def add(self, digest: int, line: int) -> None:
        self._recent[digest] = line
        if len(self._recent) >= self._MERGE_AT:
            self._merge(np.fromiter(self._recent.keys(), np.uint64), np.fromiter(self._recent.values(), np.int64))
            self._recent = {}

    def add_block(self, digests: np.ndarray, lines: np.ndarray) -> bool:
        """Add a block of ids if none of them was seen before (nor repeats in the block); else add nothing."""
        if np.unique(digests).size != digests.size:
            return False
        if self._digests.size:
            pos = np.minimum(np.searchsorted(self._digests, digests), self._digests.size - 1)
            if (self._digests[pos] == digests).any():
                return False
        if any(d in self._recent for d in digests.tolist()):
            return False
        self._merge(digests, lines)
        return True

    def _merge(self, digests: np.ndarray, lines: np.ndarray) -> None:
        keys = np.concatenate([self._digests, digests])
        order = np.argsort(keys, kind="stable")
        self._digests = keys[order]
        self._lines = np.concatenate([self._lines, lines])[order]


@dataclass
class Pairing:
    """What pairing found besides the pairs themselves."""

    problems: list[Problem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # gold ids without a prediction
    extra: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, id) not in gold
    gold_digest: str = ""
    documents: int = 0
    seen_gold: SeenIds = field(default_factory=SeenIds)
    seen_pred: SeenIds = field(default_factory=SeenIds)


def paired_documents(
    gold_path: str, pred_path: str, report: Pairing
) -> Iterator[tuple[DocKeys, DocKeys | None, str]]:
    """(gold keys, prediction keys or None when missing, gold text) in gold file order.

    Problems, missing and extra documents are collected in `report`; lines
    with problems are skipped so that every problem of both files is found in
    one run.
    """
    gold = LineFile(gold_path, digest=True)
    pred = LineFile(pred_path)
    try:
        yield from pair_lines(gold, pred, report)
        report.gold_digest = gold.finish_digest()
    finally:
        gold.close()
        pred.close()


def pair_lines(gold: LineFile, pred: LineFile, report: Pairing) -> Iterator[tuple[DocKeys, DocKeys | None, str]]:
    """`paired_documents` from the current positions of two open files (which the caller closes)."""
    problems = report.problems
    pending: dict[str, tuple[int, int]] = {}  # prediction id -> (line, offset), read ahead of its gold document
    seen_gold = report.seen_gold
    seen_pred = report.seen_pred
    pred_lines = iter(pred)
    pred_done = False

    def admit_prediction(line: int, raw: bytes) -> tuple[str, DocKeys | None] | None:
        """Read one prediction line's id (and fast keys) and register the id; None (problem recorded) if unusable."""
        pid, fast, problem = prediction_id(pred.name, line, raw)
        if problem is not None or pid is None:
            problems.append(problem)  # type: ignore[arg-type]
            return None
        first = seen_pred.register(pid, line)
        if first is not None:
            problems.append(Problem(pred.name, line, pid, "id", f"duplicate document id (first at line {first})"))
            return None
        return pid, fast

    for g_line, _, g_raw in gold:
        g_keys, g_problems, doc_id = gold_keys(gold.name, g_line, g_raw)
        problems.extend(g_problems)
        if doc_id is not None:
            first = seen_gold.register(doc_id, g_line)
            if first is not None:
                problems.append(Problem(gold.name, g_line, doc_id, "id", f"duplicate document id (first at line {first})"))
                continue
        if g_keys is None:
            continue

        # Find the prediction: read ahead, or take it from the index.
        p_raw: bytes | None = None
        p_fast: DocKeys | None = None
        p_line = 0
        where = pending.pop(g_keys.id, None)
        if where is not None:
            p_line = where[0]
            p_raw = pred.read_at(where[1])
        else:
            while not pred_done:
                item = next(pred_lines, None)
                if item is None:
                    pred_done = True
                    break
                line, offset, raw = item
                admitted = admit_prediction(line, raw)
                if admitted is None:
                    continue
                pid, fast = admitted
                if pid == g_keys.id:
                    p_raw, p_fast, p_line = raw, fast, line
                    break
                pending[pid] = (line, offset)
        report.documents += 1
        text: str = g_keys.text  # type: ignore[assignment]
        if p_raw is None:
            report.missing.append(g_keys.id)
            yield g_keys, None, text
            continue
        p_keys, p_problems = prediction_keys(pred.name, p_line, p_raw, text, p_fast)
        if p_problems:
            problems.extend(p_problems)
            continue
        yield g_keys, p_keys, text
    # Predictions never asked for are documents the gold file does not have.
    for line, _, raw in pred_lines:
        admitted = admit_prediction(line, raw)
        if admitted is not None:
            pending[admitted[0]] = (line, 0)
    for pid, (line, _) in sorted(pending.items(), key=lambda kv: kv[1][0]):
        report.extra.append((pred.name, line, pid))
