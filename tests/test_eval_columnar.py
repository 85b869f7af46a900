"""The block (numpy) scorer against the per-document reference path, and worker processes against one process.

`columnar.BlockScorer.rows` must give, for every document, exactly the row
that `align_prepared` + `StatLayout.row` give — on documents whose graphs
are one-to-one (the numpy path) and on the others (handed to the reference
path).  The random documents here are built as scorer keys directly, with
spans at arbitrary character offsets (so trimming and token widening are
exercised), curly quotes, accents, an astral character, overlapping and
nested predictions, split and merged actors, and shared targets.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whosaidwhat.corpus.problems import CorpusError
from whosaidwhat.eval import ScoreConfig, score_files
from whosaidwhat.eval import columnar
from whosaidwhat.eval.columnar import BlockScorer, merge_spans, overlapping_pairs
from whosaidwhat.eval.keys import DocKeys
from whosaidwhat.eval.reader import SeenIds, id_digest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from bench_score_data import write_files  # noqa: E402

WORDS = ["the", "minister", "said", "“we", "will", "not”", "accept", "it,", "officials", "—", "warned", "Zoë", "a_b", "2019", "…", "😀", "'talks'", "go", "on."]
TYPES = ("PERSON", "ORGANIZATION", "STATE", "GROUP")


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 60)))


def _span(rng: random.Random, n: int, longest: int = 12) -> tuple[int, int]:
    s = rng.randrange(n - 1)
    return s, min(n, s + rng.randrange(1, longest))


def random_keys(rng: random.Random, text: str, doc_id: str, prediction: bool) -> DocKeys:
    """Valid scorer keys: unique mention spans, non-overlapping content spans, unique stance triples."""
    n = len(text)
    n_actors = rng.randrange(0, 6)
    mentions, seen = [], set()
    for _ in range(rng.randrange(0, 14) if n_actors else 0):
        s, e = _span(rng, n)
        if (s, e) not in seen:
            seen.add((s, e))
            mentions.append((s, e, rng.randrange(n_actors)))
    quotes = []
    for _ in range(rng.randrange(0, 5)):
        s, e = _span(rng, n, 40)
        content = ((s, e),)
        if rng.random() < 0.3 and e + 2 < n:
            s2, e2 = _span(rng, n, 20)
            if s2 >= e:
                content = ((s, e), (s2, e2))
        cue = _span(rng, n, 6) if rng.random() < 0.7 else None
        speaker = rng.randrange(n_actors) if n_actors and rng.random() < 0.8 else -1
        quotes.append((content, cue, speaker, rng.choice(("direct", "indirect", "mixed"))))
    targets = []
    for _ in range(rng.randrange(0, 4)):
        if n_actors and rng.random() < 0.4:
            targets.append(((), rng.randrange(n_actors), "actor"))
        else:
            spans = tuple(sorted({_span(rng, n, 15) for _ in range(rng.randrange(1, 3))}))
            targets.append((spans, -1, "proposal"))
    stances, triples = [], set()
    for _ in range(rng.randrange(0, 5)):
        if not n_actors or not targets:
            break
        triple = (rng.randrange(n_actors), rng.randrange(len(targets)), rng.choice(("support", "oppose", "neutral")))
        if triple not in triples:
            triples.add(triple)
            stances.append(triple)
    return DocKeys(
        doc_id,
        None if prediction else text,
        [f"a{i}" for i in range(n_actors)],
        [rng.choice(TYPES) for _ in range(n_actors)],
        [rng.choice(("Anna", "anna ", "Bo")) for _ in range(n_actors)],
        mentions,
        [f"q{i}" for i in range(len(quotes))],
        quotes,
        [f"t{i}" for i in range(len(targets))],
        targets,
        [f"s{i}" for i in range(len(stances))],
        stances,
        [],
    )


def near_copy(rng: random.Random, gold: DocKeys, text: str) -> DocKeys:
    """A prediction close to the gold (mostly one-to-one graphs), with a few errors of each kind."""
    n = len(text)
    shift = lambda s, e: (s, min(n, e + rng.choice((0, 0, 0, 1, -1))) if e - s > 1 else e)  # noqa: E731
    mentions, seen = [], set()
    for s, e, a in gold.mentions:
        if rng.random() < 0.1:
            continue
        s2, e2 = shift(s, e)
        if (s2, e2) not in seen:
            seen.add((s2, e2))
            mentions.append((s2, e2, a if rng.random() > 0.1 else rng.randrange(len(gold.actor_ids))))
    quotes = [(c, cue, sp, t) for c, cue, sp, t in gold.quotes if rng.random() > 0.15]
    stances = [(h, t, p if rng.random() > 0.2 else rng.choice(("support", "oppose", "neutral"))) for h, t, p in gold.stances]
    stances = list(dict.fromkeys(stances))
    return DocKeys(gold.id, None, list(gold.actor_ids), list(gold.actor_types), list(gold.actor_names), mentions,
                   [f"q{i}" for i in range(len(quotes))], quotes, list(gold.target_ids), list(gold.targets),
                   [f"s{i}" for i in range(len(stances))], stances, [])


def _assert_same_rows(config: ScoreConfig, golds, preds, texts) -> BlockScorer:
    scorer = BlockScorer(config)
    rows = scorer.rows(golds, preds, texts)
    for d, (g, p, t) in enumerate(zip(golds, preds, texts)):
        expected = np.array(scorer.document_row(g, p, t))
        if not np.array_equal(rows[d], expected):
            names = scorer.layout.names
            diff = {names[i]: (rows[d, i], expected[i]) for i in np.flatnonzero(rows[d] != expected)}
            pytest.fail(f"document {d}: block path differs from the reference path: {diff}")
    return scorer


CONFIGS = [
    ScoreConfig(bootstrap=0),
    ScoreConfig(bootstrap=0, trim=False),
    ScoreConfig(bootstrap=0, alignment="greedy", match="tok0.5"),
    ScoreConfig(bootstrap=0, match="exact", coverage_thresholds=(0.1, 0.9), token_thresholds=(0.3, 1.0)),
]


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 12), st.sampled_from(range(len(CONFIGS))))
def test_block_rows_equal_the_reference_rows_on_random_documents(seed, n_docs, config_index):
    rng = random.Random(seed)
    texts = [_text(rng) for _ in range(n_docs)]
    golds = [random_keys(rng, t, f"d{i}", prediction=False) for i, t in enumerate(texts)]
    preds = []
    for g, t in zip(golds, texts):
        r = rng.random()
        preds.append(None if r < 0.1 else near_copy(rng, g, t) if r < 0.6 else random_keys(rng, t, g.id, prediction=True))
    _assert_same_rows(CONFIGS[config_index], golds, preds, texts)


def test_block_rows_on_realistic_synthetic_files_take_the_numpy_path_mostly(tmp_path):
    gold_path, pred_path = write_files(tmp_path, 300, seed=7)
    from whosaidwhat.eval.keys import keys_from_bytes

    golds, preds = [], []
    for g_line, p_line in zip(gold_path.read_bytes().splitlines(), pred_path.read_bytes().splitlines()):
        golds.append(keys_from_bytes(g_line, prediction=False))
        preds.append(keys_from_bytes(p_line, prediction=True))
    scorer = _assert_same_rows(ScoreConfig(bootstrap=0), golds, preds, [g.text for g in golds])
    assert 0 < scorer.per_document_path < 30  # some graphs need an assignment, most do not


def test_overlapping_pairs_and_merge_spans_on_small_cases():
    gi, pj, shared = overlapping_pairs(np.array([0, 10, 20]), np.array([5, 15, 30]), np.array([4, 12, 40]), np.array([11, 25, 41]))
    assert sorted(zip(gi.tolist(), pj.tolist(), shared.tolist())) == [(0, 0, 1), (1, 0, 1), (1, 1, 3), (2, 1, 5)]
    owner, s, e = merge_spans(np.array([1, 0, 0, 0]), np.array([3, 5, 0, 3]), np.array([4, 9, 3, 4]))
    assert list(zip(owner.tolist(), s.tolist(), e.tolist())) == [(0, 0, 4), (0, 5, 9), (1, 3, 4)]


def test_seen_ids_finds_duplicates_before_and_after_merging(monkeypatch):
    monkeypatch.setattr(SeenIds, "_MERGE_AT", 3)
    seen = SeenIds()
    for line, doc_id in enumerate(["a", "b", "c", "d"], 1):
        assert seen.first_line(id_digest(doc_id)) is None
        seen.add(id_digest(doc_id), line)
    assert seen.first_line(id_digest("a")) == 1  # merged into the arrays
    assert seen.first_line(id_digest("d")) == 4  # still in the recent dictionary
    assert not seen.add_block(np.array([id_digest("x"), id_digest("b")], np.uint64), np.array([9, 10]))
    assert not seen.add_block(np.array([id_digest("y"), id_digest("y")], np.uint64), np.array([9, 10]))
    assert seen.add_block(np.array([id_digest("x"), id_digest("y")], np.uint64), np.array([9, 10]))
    assert seen.first_line(id_digest("y")) == 10


# -- worker processes ---------------------------------------------------------------------------------


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(columnar, "BLOCK_DOCUMENTS", 40)


def _both(gold, pred, **kw):
    """(sequential result, parallel result), each a report dict or the list of problems."""
    out = []
    for workers in (1, 2):
        try:
            out.append(score_files(gold, pred, ScoreConfig(bootstrap=200), workers=workers, **kw).to_dict())
        except CorpusError as exc:
            out.append([str(p) for p in exc.problems])
    return out


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_workers_give_the_same_report_as_one_process(tmp_path, small_blocks):
    gold, pred = write_files(tmp_path, 230, seed=11)
    sequential, parallel_ = _both(gold, pred)
    assert sequential == parallel_
    assert sequential["documents"] == 230


@pytest.mark.parametrize("damage", ["shuffled", "malformed", "missing", "duplicate gold id", "extra", "blank lines"])
def test_workers_fall_back_to_the_sequential_reader_with_the_same_outcome(tmp_path, small_blocks, damage):
    gold, pred = write_files(tmp_path, 180, seed=12)
    g, p = _lines(gold), _lines(pred)
    if damage == "shuffled":
        random.Random(1).shuffle(p)
    elif damage == "malformed":
        p[130] = p[130][:-5]
    elif damage == "missing":
        del p[95]
    elif damage == "duplicate gold id":
        g[150] = g[150].replace(b'"id":"doc-0000150"', b'"id":"doc-0000020"', 1)
    elif damage == "extra":
        p.append(p[0].replace(b'"id":"doc-0000000"', b'"id":"not-in-gold"', 1))
    elif damage == "blank lines":
        g.insert(50, b"")
        p.insert(120, b"   ")
    sequential, parallel_ = _both(_write(gold, g), _write(pred, p))
    assert sequential == parallel_
    if damage == "duplicate gold id":
        assert any("duplicate document id (first at line 21)" in problem for problem in sequential)
