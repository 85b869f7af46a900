"""Streaming gold and prediction files in step, with every problem located.

Gold and prediction documents are paired by id without loading either file:
when both files list the documents in the same order (the usual case: an
extractor writes its output in input order) each gold line is matched with
the next prediction line and nothing is kept.  When the orders differ, the
prediction lines read ahead are remembered in an index of id -> (line
number, byte offset) and read again by seeking when their gold document
comes; memory then grows by one small index entry per out-of-order document,
never by documents.

Each line is decoded with orjson and turned into `DocKeys` by the fast path;
when that path cannot vouch for a line, the corpus parser and validator run
on it and report every problem as ``file:line: document-id: field: message``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterator

import orjson

from ..corpus.parse import parse_document
from ..corpus.problems import Problem
from ..corpus.validate import check_document
from .keys import DocKeys, NeedsFullCheck, keys_from_document, keys_from_json, spans_match


class LineFile:
    """A JSON Lines file read as binary lines, with line numbers and byte offsets."""

    def __init__(self, path: str, digest: bool = False):
        self.name = str(path)
        self._stream = open(path, "rb")
        self._seeker: Any = None
        self.line = 0
        self.offset = 0
        self.hash = hashlib.sha256() if digest else None

    def __iter__(self) -> Iterator[tuple[int, int, bytes]]:
        """(line number, byte offset, raw line) of every non-blank line."""
        readline = self._stream.readline
        update = self.hash.update if self.hash is not None else None
        while True:
            raw = readline()
            if not raw:
                return
            self.line += 1
            offset = self.offset
            self.offset += len(raw)
            if update is not None:
                update(raw)
            if raw.strip():
                yield self.line, offset, raw

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


def document_keys(
    obj: dict[str, Any], file: str, line: int, *, prediction: bool, gold_text: str | None = None
) -> tuple[DocKeys | None, list[Problem]]:
    """Keys by the fast path when possible, by the full check otherwise."""
    try:
        keys = keys_from_json(obj, prediction=prediction)
    except NeedsFullCheck:
        return full_check(obj, file, line, prediction=prediction, gold_text=gold_text)
    if keys.text is None and gold_text is not None and not spans_match(gold_text, keys.spans):
        return full_check(obj, file, line, prediction=prediction, gold_text=gold_text)
    return keys, []


def text_difference(gold: str, pred: str) -> str:
    """Where two texts first differ, for the error message."""
    n = min(len(gold), len(pred))
    i = next((k for k in range(n) if gold[k] != pred[k]), n)
    return (
        f"the text differs from the gold text at character {i} "
        f"(gold {gold[i:i + 20]!r}, prediction {pred[i:i + 20]!r}; lengths {len(gold)} and {len(pred)})"
    )


@dataclass
class Pairing:
    """What pairing found besides the pairs themselves."""

    problems: list[Problem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # gold ids without a prediction
    extra: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, id) not in gold
    gold_digest: str = ""
    documents: int = 0


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
    problems = report.problems
    pending: dict[str, tuple[int, int]] = {}  # prediction id -> (line, offset), read ahead of its gold document
    seen_gold: dict[str, int] = {}
    seen_pred: dict[str, int] = {}
    pred_lines = iter(pred)
    pred_done = False

    def admit_prediction(line: int, raw: bytes) -> tuple[dict[str, Any], str] | None:
        """Decode one prediction line and register its id; None (problem recorded) if unusable."""
        candidate, problem = decode(pred.name, line, raw)
        if problem is not None:
            problems.append(problem)
            return None
        pid = raw_id(candidate)
        if pid is None:
            problems.append(Problem(pred.name, line, None, "id", "missing or empty document id"))
            return None
        if pid in seen_pred:
            problems.append(Problem(pred.name, line, pid, "id", f"duplicate document id (first at line {seen_pred[pid]})"))
            return None
        seen_pred[pid] = line
        return candidate, pid

    try:
        for g_line, _, g_raw in gold:
            obj, problem = decode(gold.name, g_line, g_raw)
            if problem is not None:
                problems.append(problem)
                continue
            g_keys, g_problems = document_keys(obj, gold.name, g_line, prediction=False)
            if g_problems:
                problems.extend(g_problems)
            doc_id = g_keys.id if g_keys is not None else raw_id(obj)
            if doc_id is not None:
                if doc_id in seen_gold:
                    problems.append(Problem(gold.name, g_line, doc_id, "id", f"duplicate document id (first at line {seen_gold[doc_id]})"))
                    continue
                seen_gold[doc_id] = g_line
            if g_keys is None:
                continue

            # Find the prediction: read ahead, or take it from the index.
            p_obj = None
            p_line = 0
            where = pending.pop(g_keys.id, None)
            if where is not None:
                p_line = where[0]
                p_obj, _ = decode(pred.name, p_line, pred.read_at(where[1]))
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
                    candidate, pid = admitted
                    if pid == g_keys.id:
                        p_obj, p_line = candidate, line
                        break
                    pending[pid] = (line, offset)
            report.documents += 1
            if p_obj is None:
                report.missing.append(g_keys.id)
                yield g_keys, None, g_keys.text  # type: ignore[misc]
                continue
            text: str = g_keys.text  # type: ignore[assignment]
            p_text = p_obj.get("text")
            if p_text is not None and p_text != text:
                problems.append(Problem(pred.name, p_line, g_keys.id, "text", text_difference(text, p_text) if isinstance(p_text, str) else "expected a string"))
                continue
            p_keys, p_problems = document_keys(p_obj, pred.name, p_line, prediction=True, gold_text=text)
            if p_problems:
                problems.extend(p_problems)
                continue
            yield g_keys, p_keys, text
        # Predictions never asked for are documents the gold file does not have.
        for line, _, raw in pred_lines:
            admitted = admit_prediction(line, raw)
            if admitted is not None:
                pending[admitted[1]] = (line, 0)
        for pid, (line, _) in sorted(pending.items(), key=lambda kv: kv[1][0]):
            report.extra.append((pred.name, line, pid))
    finally:
        gold.close()
        pred.close()
    report.gold_digest = gold.hash.hexdigest() if gold.hash is not None else ""
