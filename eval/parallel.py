"""Scoring big files with worker processes, in blocks, while the main process streams.

The usual prediction file lists the gold documents in the same order (an
extractor writes its output in input order).  For that case the main
process only reads lines — to find block boundaries and to hash the gold
file — and hands each worker a block as two byte ranges; the worker reads
them itself, decodes, checks and scores the block (`columnar.BlockScorer`)
and sends back one statistics row per document.  Blocks are taken in file
order, a few at a time, so memory does not grow with the file.

A block is scored this way only if every one of its lines is a valid
document whose prediction, on the same line of the block, has the same id
(and the same or no text), and no id was seen before.  At the first block
where that fails — a malformed line, a missing or extra prediction, another
order, an invalid document, a duplicate id — the main process goes back to
the start of that block and finishes the files with the sequential reader
(`reader.pair_lines`), which finds and reports every problem, or pairs the
documents by id.  Both ways give the same rows, so the result does not
depend on the number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import columnar
from .columnar import BlockScorer, no_cycle_collection, warm_up
from .config import ScoreConfig
from .keys import DocKeys
from .reader import LineFile, Pairing, gold_keys, id_digest, pair_lines, prediction_id, prediction_keys

MIN_BYTES = 16 << 20  # smaller gold files are scored in-process: starting workers would cost more


@dataclass(frozen=True)
class Block:
    """Two byte ranges holding the same number of non-blank lines, and where they start."""

    gold_offset: int
    gold_end: int
    gold_line: int  # line number of the block's first line, minus one
    pred_offset: int
    pred_end: int
    pred_line: int
    documents: int


@dataclass
class BlockResult:
    rows: np.ndarray | None  # None: the block needs the sequential reader
    ids: list[str]
    digests: np.ndarray
    gold_lines: np.ndarray
    pred_lines: np.ndarray
    per_document_path: int = 0


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _lines(path: str, offset: int, end: int, line: int) -> list[tuple[int, bytes]]:
    """(line number, raw line) of the non-blank lines in a byte range."""
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read(end - offset)
    out = []
    for raw in data.split(b"\n"):
        line += 1
        if raw.strip():
            out.append((line, raw))
    return out


_scorer: BlockScorer | None = None


def _init_worker(config: ScoreConfig) -> None:
    global _scorer
    gc.enable()  # forked while the parent had paused it; `score_block` pauses it per block
    _scorer = BlockScorer(config)


def score_block(gold_path: str, pred_path: str, block: Block) -> BlockResult:
    """Decode, check and score one block in a worker; rows None when a line needs the sequential reader."""
    with no_cycle_collection():
        return _score_block(gold_path, pred_path, block)


def _score_block(gold_path: str, pred_path: str, block: Block) -> BlockResult:
    assert _scorer is not None
    gold_lines = _lines(gold_path, block.gold_offset, block.gold_end, block.gold_line)
    pred_lines = _lines(pred_path, block.pred_offset, block.pred_end, block.pred_line)
    golds: list[DocKeys] = []
    preds: list[DocKeys] = []
    texts: list[str] = []
    lines: list[int] = []
    p_lines: list[int] = []
    refuse = BlockResult(None, [], np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    if len(gold_lines) != len(pred_lines):
        return refuse
    for (g_line, g_raw), (p_line, p_raw) in zip(gold_lines, pred_lines):
        g_keys, problems, _ = gold_keys(gold_path, g_line, g_raw)
        if problems or g_keys is None:
            return refuse
        pid, fast, problem = prediction_id(pred_path, p_line, p_raw)
        if problem is not None or pid != g_keys.id:
            return refuse
        text: str = g_keys.text  # type: ignore[assignment]
        p_keys, problems = prediction_keys(pred_path, p_line, p_raw, text, fast)
        if problems or p_keys is None:
            return refuse
        golds.append(g_keys)
        preds.append(p_keys)
        texts.append(text)
        lines.append(g_line)
        p_lines.append(p_line)
    before = _scorer.per_document_path
    rows = _scorer.rows(golds, preds, texts)
    ids = [g.id for g in golds]
    digests = np.fromiter((id_digest(i) for i in ids), dtype=np.uint64, count=len(ids))
    return BlockResult(
        rows, ids, digests, np.array(lines, dtype=np.int64), np.array(p_lines, dtype=np.int64), _scorer.per_document_path - before
    )


def _next_block(gold: LineFile, pred: LineFile, size: int) -> Block | None:
    """Read `size` non-blank lines of gold and as many of the predictions (fewer at the end)."""
    g_offset, g_line = gold.offset, gold.line
    p_offset, p_line = pred.offset, pred.line
    n = 0
    for _ in gold:
        n += 1
        if n == size:
            break
    if n == 0:
        return None
    m = 0
    for _ in pred:
        m += 1
        if m == n:
            break
    # Unequal counts are left to the block's worker to refuse.
    return Block(g_offset, gold.offset, g_line, p_offset, pred.offset, p_line, n)


def score_in_parallel(
    gold_path: str,
    pred_path: str,
    report: Pairing,
    add_rows: Callable[[np.ndarray, list[str], list[bool]], None],
    add_pair: Callable[[DocKeys, DocKeys | None, str], None],
    config: ScoreConfig,
    workers: int,
) -> int:
    """Score both files; rows of whole blocks go to `add_rows`, pairs from the sequential reader to `add_pair`.

    Returns the number of documents scored by the per-document path inside blocks.
    """
    warm_up()  # build the character tables once, before the workers fork
    gold = LineFile(gold_path, digest=True)
    pred = LineFile(pred_path)
    per_document_path = 0
    try:
        context: Any = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        resume: Block | None = None
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(config,)) as pool:
            inflight: deque[tuple[Block, Future]] = deque()
            exhausted = False
            while True:
                while not exhausted and len(inflight) < 2 * workers:
                    block = _next_block(gold, pred, columnar.BLOCK_DOCUMENTS)
                    if block is None:
                        exhausted = True
                        break
                    inflight.append((block, pool.submit(score_block, gold_path, pred_path, block)))
                if not inflight:
                    break
                block, future = inflight.popleft()
                result = future.result()
                if (
                    result.rows is None
                    or not report.seen_gold.add_block(result.digests, result.gold_lines)
                ):
                    resume = block
                    for _, later in inflight:
                        later.cancel()
                    break
                # Same ids as the gold block (checked line by line), so they are new here too.
                report.seen_pred.add_block(result.digests, result.pred_lines)
                report.documents += block.documents
                per_document_path += result.per_document_path
                add_rows(result.rows, result.ids, [False] * len(result.ids))
        if resume is not None:
            gold.seek(resume.gold_offset, resume.gold_line)
            pred.seek(resume.pred_offset, resume.pred_line)
        # The rest (everything after a refused block, or only extra predictions) goes the sequential way.
        for g_keys, p_keys, text in pair_lines(gold, pred, report):
            add_pair(g_keys, p_keys, text)
        report.gold_digest = gold.finish_digest()
    finally:
        gold.close()
        pred.close()
    return per_document_path
