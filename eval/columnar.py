"""Scoring a block of documents at once: the statistics rows of `align` + `stats`, computed with numpy.

`align.align_prepared` and `stats.StatLayout.row` define every count; this
module computes the same rows for a block of documents without a Python
loop over annotations.  It relies on one fact: when every candidate graph of
a document is *one-to-one* (each gold item overlaps at most one predicted
item and the other way round), every objective of every layer keeps every
candidate pair — no assignment problem is left to solve — so each count is a
tally over candidate pairs.  That is the usual case (a prediction close to
the gold, or far from it, rarely pairs one quote with two).  Documents with
any other graph (two predictions on one gold mention, an actor split in two,
two actors without mentions that could pair by name, ...) are scored by the
per-document path, which solves their assignments; a test checks that both
paths give the same rows on every document.

How the block is laid out: the texts are joined with a separator character
(also one before the first and after the last), so that every span gets a
*global* position and spans of different documents can never touch.  Then

- trimming is a few vectorised steps over the character classes of the
  joined text (whitespace, quotation marks, boundary punctuation);
- overlapping pairs come from one sorted interval join;
- an item's spans (a split quote, a target's mentions) are merged per owner
  with a running maximum, as `spans.canonical_item` does;
- tokens (maximal runs of ``\\w``) are counted with a prefix sum of token
  starts, after widening spans to whole tokens, as `spans.tokens_in` does.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from typing import Iterator, Sequence

import numpy as np

from ..corpus.model import ACTOR_TYPES, POLARITIES, QUOTE_TYPES
from .align import align_prepared
from .config import ScoreConfig
from .keys import DocKeys, prepare
from .spans import TRIM_CHARACTERS
from .stats import StatLayout

BLOCK_DOCUMENTS = 1024
"""Documents per block, in one process or in workers alike, so that sums are added up in the same groups."""

_TRIM = 1
_WORD = 2
_SEPARATOR = "\x00"  # neither a word character nor inside any span
_TYPE_CODE = {t: i for i, t in enumerate(ACTOR_TYPES)}
_QUOTE_TYPE_CODE = {t: i for i, t in enumerate(QUOTE_TYPES)}
_POLARITY_CODE = {p: i for i, p in enumerate(POLARITIES)}
_I = np.int64


@lru_cache(maxsize=1)
def _bmp_classes() -> np.ndarray:
    """Character class bits (trim, word) of every code point below U+10000."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for i in range(0x10000):
        c = chr(i)
        if c.isalnum() or c == "_":
            table[i] = _WORD
    for c in TRIM_CHARACTERS:
        table[ord(c)] |= _TRIM
    return table


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while scoring.

    Scoring allocates many small tuples and lists and keeps a block of them
    alive, which makes the collector scan the same objects again and again
    (it cost more than half of the time in the benchmark).  Nothing here
    forms reference cycles, so reference counting frees everything anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def warm_up() -> None:
    """Build the character tables now (before worker processes fork, so that they inherit them)."""
    _bmp_classes()


def _classes(codepoints: np.ndarray) -> np.ndarray:
    table = _bmp_classes()
    out = table[np.minimum(codepoints, 0xFFFF)]
    astral = np.flatnonzero(codepoints > 0xFFFF)
    if astral.size:
        for cp in np.unique(codepoints[astral]).tolist():
            c = chr(cp)
            bits = (_WORD if c.isalnum() or c == "_" else 0) | (_TRIM if c in TRIM_CHARACTERS else 0)
            out[astral[codepoints[astral] == cp]] = bits
    return out


class _Text:
    """The joined texts of a block: global positions, character classes, token positions."""

    def __init__(self, texts: Sequence[str]):
        joined = _SEPARATOR + _SEPARATOR.join(texts) + _SEPARATOR
        self.codepoints = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lengths = np.fromiter(map(len, texts), dtype=_I, count=len(texts))
        self.base = np.concatenate(([1], 1 + np.cumsum(lengths + 1)[:-1])) if len(texts) else np.zeros(0, _I)
        self._classes: np.ndarray | None = None
        self._tokens: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def classes(self) -> np.ndarray:
        """Class bits of every character (only token counting needs them all)."""
        if self._classes is None:
            self._classes = _classes(self.codepoints)
        return self._classes

    def _trimmable(self, positions: np.ndarray) -> np.ndarray:
        return (_classes(self.codepoints[positions]) & _TRIM) != 0

    def trim(self, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`spans.trim` on every span: strip trim characters from both ends, unless nothing would remain."""
        s2, e2 = s.copy(), e.copy()
        active = np.flatnonzero(self._trimmable(s2))
        while active.size:
            s2[active] += 1
            active = active[s2[active] < e2[active]]
            active = active[self._trimmable(s2[active])]
        active = np.flatnonzero(e2 > s2)
        active = active[self._trimmable(e2[active] - 1)]
        while active.size:
            e2[active] -= 1
            active = active[e2[active] > s2[active]]
            active = active[self._trimmable(e2[active] - 1)]
        empty = s2 >= e2
        s2[empty], e2[empty] = s[empty], e[empty]
        return s2, e2

    def _token_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Word flags, sorted token start and end positions, and the count of token starts before each position."""
        if self._tokens is None:
            word = (self.classes & _WORD) != 0
            edges = np.flatnonzero(word[1:] != word[:-1]) + 1  # the separators at both ends are not words
            starts = edges[0::2]  # edges alternate: a token starts, ends, the next starts, ...
            before = np.zeros(word.size + 1, dtype=np.int32)
            before[starts + 1] = 1
            np.cumsum(before, out=before)
            self._tokens = (word, starts, edges[1::2], before)
        return self._tokens

    def tokens(self, group: np.ndarray, s: np.ndarray, e: np.ndarray, groups: int) -> np.ndarray:
        """Tokens covered by the spans of each group, each token once (`spans.tokens_in` per group)."""
        if not s.size:
            return np.zeros(groups, dtype=_I)
        word, starts, ends, before = self._token_arrays()
        # Widen the (few) spans that cut a token to the whole token.
        cut = np.flatnonzero(word[s] & word[s - 1])
        if cut.size:
            s = s.copy()
            s[cut] = starts[np.searchsorted(starts, s[cut], "right") - 1]
        cut = np.flatnonzero(word[e - 1] & word[e])
        if cut.size:
            e = e.copy()
            e[cut] = ends[np.searchsorted(ends, e[cut], "left")]
        g, ms, me = merge_spans(group, s, e)
        # Whole tokens only now: count the token starts inside each merged region.
        return np.bincount(g, weights=before[me] - before[ms], minlength=groups).astype(_I)


def merge_spans(owner: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per owner, the spans sorted and merged where they overlap or touch (`spans.canonical_item`)."""
    if not s.size:
        return owner, s, e
    order = np.lexsort((e, s, owner))
    owner, s, e = owner[order], s[order], e[order]
    width = int(e.max()) + 1
    # Owners are sorted, so a running maximum of owner·width + end never leaves its owner.
    reach = np.maximum.accumulate(owner * width + e) - owner * width
    new = np.ones(s.size, dtype=bool)
    new[1:] = (owner[1:] != owner[:-1]) | (s[1:] > reach[:-1])
    first = np.flatnonzero(new)
    last = np.append(first[1:], s.size) - 1
    return owner[first], s[first], reach[last]


def overlapping_pairs(
    gs: np.ndarray, ge: np.ndarray, ps: np.ndarray, pe: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(gold index, pred index, shared characters) of every pair of overlapping spans."""
    if not gs.size or not ps.size:
        empty = np.zeros(0, dtype=_I)
        return empty, empty, empty
    order = np.argsort(ps, kind="stable")
    ps_sorted, pe_sorted = ps[order], pe[order]
    longest = int((pe - ps).max())
    # A predicted span overlapping [gs, ge) starts before ge and after gs - longest.
    lo = np.searchsorted(ps_sorted, gs - longest, "right")
    hi = np.searchsorted(ps_sorted, ge, "left")
    count = np.maximum(hi - lo, 0)
    total = int(count.sum())
    gi = np.repeat(np.arange(gs.size, dtype=_I), count)
    k = np.repeat(lo, count) + (np.arange(total, dtype=_I) - np.repeat(np.cumsum(count) - count, count))
    shared = np.minimum(ge[gi], pe_sorted[k]) - np.maximum(gs[gi], ps_sorted[k])
    keep = shared > 0
    return gi[keep], order[k[keep]], shared[keep]


def _one_to_one_violations(doc: np.ndarray, left: np.ndarray, right: np.ndarray, n_left: int, n_right: int, n_docs: int) -> np.ndarray:
    """Per document: does any item appear in two candidate pairs?"""
    bad = np.zeros(n_docs, dtype=bool)
    if doc.size:
        for side, size in ((left, n_left), (right, n_right)):
            degree = np.bincount(side, minlength=size)
            repeated = degree[side] > 1
            bad[doc[repeated]] = True
    return bad


def _pair_index(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    return a.astype(_I) * max(width, 1) + b


class _Side:
    """One side (gold or prediction) of a block as flat arrays with global positions and indices.

    Lists are flattened with `chain`/`zip`/`map` (loops in C) rather than a
    Python loop per annotation; per-document offsets come from `np.repeat`.
    """

    def __init__(self, docs: Sequence[DocKeys | None], text: _Text, trim: bool):
        n = len(docs)
        present = [k for k in docs if k is not None]
        doc_index = np.arange(n, dtype=_I)

        def per_doc(counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
            """(document of each item, global index of each document's first item)."""
            c = np.array(counts, dtype=_I)
            return np.repeat(doc_index, c), np.cumsum(c) - c

        self.actor_doc, first_actor = per_doc([len(k.actor_ids) if k is not None else 0 for k in docs])
        types = list(chain.from_iterable(k.actor_types for k in present))
        self.actor_type = np.fromiter(map(_TYPE_CODE.__getitem__, types), dtype=_I, count=len(types))
        self.n_actors = len(types)

        mentions = list(chain.from_iterable(k.mentions for k in present))
        m = np.fromiter(chain.from_iterable(mentions), dtype=_I, count=3 * len(mentions)).reshape(-1, 3)
        self.m_doc, _ = per_doc([len(k.mentions) if k is not None else 0 for k in docs])
        base = text.base[self.m_doc]
        self.m_start, self.m_end = m[:, 0] + base, m[:, 1] + base
        if trim and m.size:
            self.m_start, self.m_end = text.trim(self.m_start, self.m_end)
        self.m_actor = m[:, 2] + first_actor[self.m_doc]
        self.m_type = self.actor_type[self.m_actor]
        self.actor_mentions = np.bincount(self.m_actor, minlength=self.n_actors)

        # Quotes: (content spans, cue or None, speaker index or -1, type).
        quotes = list(chain.from_iterable(k.quotes for k in present))
        contents, cues, speakers, quote_types = zip(*quotes) if quotes else ((), (), (), ())
        self.q_doc, _ = per_doc([len(k.quotes) if k is not None else 0 for k in docs])
        self.n_quotes = len(quotes)
        speaker = np.array(speakers, dtype=_I)
        self.q_speaker = np.where(speaker >= 0, speaker + first_actor[self.q_doc], -1)
        self.q_type = np.fromiter(map(_QUOTE_TYPE_CODE.__getitem__, quote_types), dtype=_I, count=len(quote_types))
        self.q_has_cue = np.fromiter((c is not None for c in cues), dtype=bool, count=len(cues))
        cue = np.array([c for c in cues if c is not None], dtype=_I).reshape(-1, 2) + text.base[self.q_doc[self.q_has_cue]][:, None]
        if trim and cue.size:
            cue[:, 0], cue[:, 1] = text.trim(cue[:, 0], cue[:, 1])
        self.q_cue = np.full((self.n_quotes, 2), -1, dtype=_I)
        self.q_cue[self.q_has_cue] = cue
        self.q_owner, self.q_start, self.q_end, self.q_length = _items(contents, self.q_doc, text, trim)

        # Targets: (mention spans, actor index or -1, kind).
        targets = list(chain.from_iterable(k.targets for k in present))
        t_spans, t_actors, _ = zip(*targets) if targets else ((), (), ())
        self.t_doc, first_target = per_doc([len(k.targets) if k is not None else 0 for k in docs])
        self.n_targets = len(targets)
        actor = np.array(t_actors, dtype=_I)
        self.t_actor = np.where(actor >= 0, actor + first_actor[self.t_doc], -1)
        self.t_owner, self.t_start, self.t_end, self.t_length = _items(t_spans, self.t_doc, text, trim)

        # Stances: (holder index, target index, polarity).
        stances = list(chain.from_iterable(k.stances for k in present))
        holders, s_targets, polarities = zip(*stances) if stances else ((), (), ())
        self.s_doc, _ = per_doc([len(k.stances) if k is not None else 0 for k in docs])
        self.s_holder = np.array(holders, dtype=_I) + first_actor[self.s_doc]
        self.s_target = np.array(s_targets, dtype=_I) + first_target[self.s_doc]
        self.s_polarity = np.fromiter(map(_POLARITY_CODE.__getitem__, polarities), dtype=_I, count=len(polarities))


def _items(items: Sequence[tuple[tuple[int, int], ...]], owner_doc: np.ndarray, text: _Text, trim: bool):
    """Items (tuples of spans) at global positions, trimmed, merged per owner; and each item's length."""
    n_owners = len(items)
    sizes = np.fromiter(map(len, items), dtype=_I, count=n_owners)
    flat = list(chain.from_iterable(items))
    pairs = np.fromiter(chain.from_iterable(flat), dtype=_I, count=2 * len(flat)).reshape(-1, 2)
    own = np.repeat(np.arange(n_owners, dtype=_I), sizes)
    base = text.base[owner_doc[own]]
    s, e = pairs[:, 0] + base, pairs[:, 1] + base
    if trim and s.size:
        s, e = text.trim(s, e)
    own, s, e = merge_spans(own, s, e)
    length = np.bincount(own, weights=e - s, minlength=n_owners).astype(_I)
    return own, s, e, length


def _item_pairs(g_owner, g_s, g_e, p_owner, p_s, p_e, n_pred: int):
    """(gold owner, pred owner, shared characters) of owners whose items overlap."""
    gi, pj, shared = overlapping_pairs(g_s, g_e, p_s, p_e)
    if not gi.size:
        return gi, pj, shared
    key = _pair_index(g_owner[gi], p_owner[pj], n_pred)
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=shared).astype(_I)
    width = max(n_pred, 1)
    return unique // width, unique % width, total


class BlockScorer:
    """Statistics rows (`StatLayout`) for blocks of (gold, prediction or None, text) triples."""

    def __init__(self, config: ScoreConfig):
        self.config = config
        self.layout = StatLayout(config)
        self.per_document_path = 0  # documents whose graphs needed an assignment (for the benchmark)

    def rows(self, golds: Sequence[DocKeys], preds: Sequence[DocKeys | None], texts: Sequence[str]) -> np.ndarray:
        n = len(golds)
        out = np.zeros((n, len(self.layout)))
        if not n:
            return out
        config = self.config
        text = _Text(texts)
        g = _Side(golds, text, config.trim)
        p = _Side(preds, text, config.trim)
        ix = self.layout.index
        col = lambda name, doc, weights=None: _add(out, ix[name], doc, weights, n)  # noqa: E731
        complex_doc = np.zeros(n, dtype=bool)

        # Mentions: overlapping pairs; the graph must be one-to-one.
        mi, mj, _ = overlapping_pairs(g.m_start, g.m_end, p.m_start, p.m_end)
        m_doc = g.m_doc[mi]
        complex_doc |= _one_to_one_violations(m_doc, mi, mj, g.m_start.size, p.m_start.size, n)
        exact = (g.m_start[mi] == p.m_start[mj]) & (g.m_end[mi] == p.m_end[mj])
        same = g.m_type[mi] == p.m_type[mj]
        col("m.gold", g.m_doc)
        col("m.pred", p.m_doc)
        pairs = np.bincount(m_doc, minlength=n)
        n_exact = np.bincount(m_doc, weights=exact, minlength=n)
        n_same = np.bincount(m_doc, weights=same, minlength=n)
        n_both = np.bincount(m_doc, weights=exact & same, minlength=n)
        for scheme, cor in (("strict", n_both), ("exact", n_exact), ("partial", n_exact), ("type", n_same)):
            out[:, ix[f"m.{scheme}.cor"]] = cor
            out[:, ix[f"m.{scheme}.{'par' if scheme == 'partial' else 'inc'}"]] = pairs - cor
        k_types = len(ACTOR_TYPES)
        typed_doc = m_doc[same] * k_types + g.m_type[mi][same]
        per_type_pairs = np.bincount(typed_doc, minlength=n * k_types).reshape(n, k_types)
        per_type_exact = np.bincount(typed_doc, weights=exact[same], minlength=n * k_types).reshape(n, k_types)
        gold_per_type = np.bincount(g.m_doc * k_types + g.m_type, minlength=n * k_types).reshape(n, k_types)
        pred_per_type = np.bincount(p.m_doc * k_types + p.m_type, minlength=n * k_types).reshape(n, k_types)
        for t, label in enumerate(ACTOR_TYPES):
            lm, lex = per_type_pairs[:, t], per_type_exact[:, t]
            out[:, ix[f"m[{label}].gold"]] = gold_per_type[:, t]
            out[:, ix[f"m[{label}].pred"]] = pred_per_type[:, t]
            for scheme in ("strict", "exact"):
                out[:, ix[f"m[{label}].{scheme}.cor"]] = lex
                out[:, ix[f"m[{label}].{scheme}.inc"]] = lm - lex
            out[:, ix[f"m[{label}].partial.cor"]] = lex
            out[:, ix[f"m[{label}].partial.par"]] = lm - lex
            out[:, ix[f"m[{label}].type.cor"]] = lm

        # Actors: φ = 2·shared / (|G| + |P|) over the mention pairs; one-to-one again.
        a_key, a_shared = np.unique(_pair_index(g.m_actor[mi], p.m_actor[mj], p.n_actors), return_counts=True)
        width = max(p.n_actors, 1)
        ga, pa = a_key // width, a_key % width
        a_doc = g.actor_doc[ga]
        complex_doc |= _one_to_one_violations(a_doc, ga, pa, g.n_actors, p.n_actors, n)
        bare_gold = np.bincount(g.actor_doc[g.actor_mentions == 0], minlength=n)
        bare_pred = np.bincount(p.actor_doc[p.actor_mentions[: p.n_actors] == 0], minlength=n) if p.n_actors else np.zeros(n, _I)
        complex_doc |= (bare_gold > 0) & (bare_pred > 0)  # they may pair by name
        phi = 2.0 * a_shared / (g.actor_mentions[ga] + p.actor_mentions[pa])
        order = np.lexsort((phi, a_doc))  # a fixed summation order, as `StatLayout.row` uses
        col("e.phi", a_doc[order], phi[order])
        col("e.gold", g.actor_doc)
        col("e.pred", p.actor_doc)
        actor_map = np.full(p.n_actors, -1, dtype=_I)
        actor_map[pa] = ga

        # Quotes: items overlapping; the candidate graph must be one-to-one.
        qi, qj, q_shared = _item_pairs(g.q_owner, g.q_start, g.q_end, p.q_owner, p.q_start, p.q_end, p.n_quotes)
        q_doc = g.q_doc[qi]
        complex_doc |= _one_to_one_violations(q_doc, qi, qj, g.n_quotes, p.n_quotes, n)
        lg, lp = g.q_length[qi], p.q_length[qj]
        coverage = q_shared / (lg + lp - q_shared)
        q_exact = (q_shared == lg) & (lg == lp)
        criteria = config.criteria
        if any(c.kind == "tok" for c in criteria) and qi.size:
            tg = text.tokens(g.q_owner, g.q_start, g.q_end, g.n_quotes)[qi]
            tp = text.tokens(p.q_owner, p.q_start, p.q_end, p.n_quotes)[qj]
            tu = _union_tokens(text, qi, qj, g, p)
            with np.errstate(divide="ignore", invalid="ignore"):
                token_overlap = np.where(tu > 0, (tg + tp - tu) / np.where(tu > 0, tu, 1), 0.0)
            token_overlap = np.where(q_exact, 1.0, token_overlap)
        else:
            token_overlap = np.zeros(qi.size)
        col("q.gold", g.q_doc)
        col("q.pred", p.q_doc)
        passing = {}
        for criterion in criteria:
            if criterion.kind == "exact":
                ok = q_exact
            else:
                value = coverage if criterion.kind == "cov" else token_overlap
                ok = value >= criterion.threshold - 1e-12
            passing[criterion.name] = ok
            col(f"q.{criterion.name}.tp", q_doc, ok)
        tg_doc = text.tokens(g.q_doc[g.q_owner], g.q_start, g.q_end, n)
        tp_doc = text.tokens(p.q_doc[p.q_owner], p.q_start, p.q_end, n)
        both = np.concatenate([g.q_doc[g.q_owner], p.q_doc[p.q_owner]])
        tu_doc = text.tokens(both, np.concatenate([g.q_start, p.q_start]), np.concatenate([g.q_end, p.q_end]), n)
        out[:, ix["q.tok.gold"]], out[:, ix["q.tok.pred"]], out[:, ix["q.tok.tp"]] = tg_doc, tp_doc, tg_doc + tp_doc - tu_doc
        col("q.cue.gold", g.q_doc[g.q_has_cue])
        col("q.cue.pred", p.q_doc[p.q_has_cue])
        ok = passing[config.match]
        mi_q, mj_q, md = qi[ok], qj[ok], q_doc[ok]
        cue_ok = g.q_has_cue[mi_q] & (g.q_cue[mi_q] == p.q_cue[mj_q]).all(axis=1)
        col("q.cue.tp", md, cue_ok)
        gs, ps = g.q_speaker[mi_q], p.q_speaker[mj_q]
        mapped = np.where(ps >= 0, actor_map[np.maximum(ps, 0)] if p.n_actors else -1, -1)
        attributed = np.where((gs < 0) | (ps < 0), (gs < 0) & (ps < 0), mapped == gs)
        col("q.attr.tp", md, attributed)
        col("q.type.correct", md, g.q_type[mi_q] == p.q_type[mj_q])

        # Targets: the same aligned actor, or overlapping mentions; one-to-one.
        ti, tj, _ = _item_pairs(g.t_owner, g.t_start, g.t_end, p.t_owner, p.t_start, p.t_end, p.n_targets)
        by_actor_gold = np.full(g.n_actors, -1, dtype=_I)
        named = np.flatnonzero(g.t_actor >= 0)
        if named.size:
            holders = g.t_actor[named]
            repeated = np.bincount(holders, minlength=g.n_actors)[holders] > 1
            complex_doc[g.t_doc[named[repeated]]] = True  # which target the actor picks depends on order
            by_actor_gold[holders] = named
        via_actor = np.flatnonzero(p.t_actor >= 0)
        gold_actor = actor_map[p.t_actor[via_actor]] if via_actor.size else np.zeros(0, _I)
        if via_actor.size and g.n_actors:
            gold_target = np.where(gold_actor >= 0, by_actor_gold[np.maximum(gold_actor, 0)], -1)
        else:
            gold_target = np.full(via_actor.size, -1, dtype=_I)
        found = gold_target >= 0
        t_keys = np.unique(np.concatenate([_pair_index(ti, tj, p.n_targets), _pair_index(gold_target[found], via_actor[found], p.n_targets)]))
        width = max(p.n_targets, 1)
        ti, tj = t_keys // width, t_keys % width
        complex_doc |= _one_to_one_violations(g.t_doc[ti], ti, tj, g.n_targets, p.n_targets, n)
        target_map = np.full(p.n_targets, -1, dtype=_I)
        target_map[tj] = ti

        # Stances: the predicted (holder, target) mapped to gold; one gold stance per pair.
        col("s.gold", g.s_doc)
        col("s.pred", p.s_doc)
        g_pair = _pair_index(g.s_holder, g.s_target, g.n_targets)
        g_unique, g_first, g_count = np.unique(g_pair, return_index=True, return_counts=True)
        complex_doc[g.s_doc[g_first[g_count > 1]]] = True  # two gold stances on one pair
        h = actor_map[p.s_holder] if p.n_actors else np.full(p.s_holder.size, -1, _I)
        t = target_map[p.s_target] if p.n_targets else np.full(p.s_target.size, -1, _I)
        mapped_pair = np.where((h >= 0) & (t >= 0), _pair_index(h, t, g.n_targets), -1)
        pos = np.searchsorted(g_unique, mapped_pair)
        hit = (mapped_pair >= 0) & (pos < g_unique.size)
        hit[hit] = g_unique[pos[hit]] == mapped_pair[hit]
        si, sj = g_first[pos[hit]], np.flatnonzero(hit)
        s_doc = g.s_doc[si]
        complex_doc |= _one_to_one_violations(s_doc, si, sj, g.s_doc.size, p.s_doc.size, n)
        col("s.pairs", s_doc)
        gp, pp = g.s_polarity[si], p.s_polarity[sj]
        col("s.tp", s_doc, gp == pp)
        k_pol = len(POLARITIES)
        confusion = np.bincount((s_doc * k_pol + gp) * k_pol + pp, minlength=n * k_pol * k_pol).reshape(n, -1)
        first = ix[f"s.conf.{POLARITIES[0]}.{POLARITIES[0]}"]
        out[:, first : first + k_pol * k_pol] = confusion

        # Documents that need an assignment: the per-document path.
        for d in np.flatnonzero(complex_doc).tolist():
            out[d] = self.document_row(golds[d], preds[d], texts[d])
        self.per_document_path += int(complex_doc.sum())
        return out

    def document_row(self, gold: DocKeys, pred: DocKeys | None, text: str) -> list[float]:
        """The row of one document by `align_prepared` (the reference path)."""
        if pred is None:
            pred = DocKeys(gold.id, None, [], [], [], [], [], [], [], [], [], [], [])
        trim = self.config.trim
        aligned = align_prepared(prepare(gold, text, trim=trim), prepare(pred, text, trim=trim), self.config)
        return self.layout.row(aligned)


def _add(out: np.ndarray, column: int, doc: np.ndarray, weights, n: int) -> None:
    out[:, column] += np.bincount(doc, weights=weights, minlength=n)


def _union_tokens(text: _Text, qi: np.ndarray, qj: np.ndarray, g: _Side, p: _Side) -> np.ndarray:
    """Tokens of the union of each candidate pair's two items."""
    pair_of_gold = _spans_by_owner(g.q_owner, qi)
    pair_of_pred = _spans_by_owner(p.q_owner, qj)
    groups = np.concatenate([pair_of_gold[1], pair_of_pred[1]])
    s = np.concatenate([g.q_start[pair_of_gold[0]], p.q_start[pair_of_pred[0]]])
    e = np.concatenate([g.q_end[pair_of_gold[0]], p.q_end[pair_of_pred[0]]])
    return text.tokens(groups, s, e, qi.size)


def _spans_by_owner(owner: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(span index, pair index) for every span of every owner listed in `wanted` (owners may repeat)."""
    order = np.argsort(owner, kind="stable")
    sorted_owner = owner[order]
    lo = np.searchsorted(sorted_owner, wanted, "left")
    hi = np.searchsorted(sorted_owner, wanted, "right")
    count = hi - lo
    total = int(count.sum())
    pair = np.repeat(np.arange(wanted.size, dtype=_I), count)
    k = np.repeat(lo, count) + (np.arange(total, dtype=_I) - np.repeat(np.cumsum(count) - count, count))
    return order[k], pair
