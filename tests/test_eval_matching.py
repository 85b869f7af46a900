"""The matching core and the span primitives, checked against brute force."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from whosaidwhat.eval.matching import assign, tiered
from whosaidwhat.eval.spans import (
    canonical_item,
    item_overlaps,
    span_overlaps,
    tokens_in,
    trim,
)


def _best_total(edges):
    """Maximum total weight of a one-to-one selection, by enumerating subsets (small inputs only)."""
    best = 0.0
    for k in range(len(edges) + 1):
        for subset in itertools.combinations(edges, k):
            ls = [e[0] for e in subset]
            rs = [e[1] for e in subset]
            if len(set(ls)) == len(ls) and len(set(rs)) == len(rs):
                best = max(best, sum(e[2] for e in subset))
    return best


edge_lists = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(1, 9).map(float)),
    max_size=9,
    unique_by=lambda e: (e[0], e[1]),
)


@settings(max_examples=300, deadline=None)
@given(edge_lists)
def test_assign_is_one_to_one_and_optimal(edges):
    pairs = assign(edges)
    weight = {(l, r): w for l, r, w in edges}
    assert len({l for l, _ in pairs}) == len(pairs) == len({r for _, r in pairs})
    assert all(p in weight for p in pairs)
    assert sum(weight[p] for p in pairs) == _best_total(edges)


@settings(max_examples=200, deadline=None)
@given(edge_lists)
def test_assign_does_not_depend_on_edge_order(edges):
    assert assign(edges) == assign(list(reversed(edges)))


def test_greedy_can_be_worse_than_optimal():
    edges = [(0, 0, 3.0), (0, 1, 2.0), (1, 0, 2.0)]
    assert assign(edges) == [(0, 1), (1, 0)]
    assert assign(edges, "greedy") == [(0, 0)]


def test_star_takes_the_heaviest_edge_and_breaks_ties_by_index():
    assert assign([(0, 2, 1.0), (0, 1, 1.0), (0, 3, 0.5)]) == [(0, 1)]


@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1)), min_size=1, max_size=6))
def test_tiered_makes_the_first_level_dominate(levels):
    n = len(levels)
    # One more first-level unit beats any amount of second-level similarity over n pairs.
    assert tiered(1, 0, bound=n) > sum(tiered(0, s, bound=n) for _, s in levels)


def test_trim_quotation_marks_and_punctuation():
    text = 'He said: “We will not accept it.” Then «non», she said.'
    s, e = trim(text, 9, 33)
    assert text[s:e] == "We will not accept it"
    s, e = trim(text, 39, 46)
    assert text[s:e] == "non"
    assert trim(text, 8, 9) == (8, 9)  # nothing would remain: unchanged


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)).map(lambda t: (t[0], t[0] + t[1])), max_size=8)


@settings(max_examples=300, deadline=None)
@given(spans, spans)
def test_span_overlaps_equals_brute_force(gold, pred):
    expected = {}
    for i, (gs, ge) in enumerate(gold):
        for j, (ps, pe) in enumerate(pred):
            n = min(ge, pe) - max(gs, ps)
            if n > 0:
                expected[(i, j)] = n
    assert span_overlaps(gold, pred) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(spans, max_size=4), st.lists(spans, max_size=4))
def test_item_overlaps_counts_shared_characters(gold, pred):
    g_items = [canonical_item(x) for x in gold]
    p_items = [canonical_item(x) for x in pred]
    chars = lambda item: {c for s, e in item for c in range(s, e)}  # noqa: E731
    expected = {}
    for i, g in enumerate(g_items):
        for j, p in enumerate(p_items):
            n = len(chars(g) & chars(p))
            if n:
                expected[(i, j)] = n
    assert item_overlaps(g_items, p_items) == expected


texts = st.text(alphabet=st.sampled_from(list("ab_9 .,é’-“")), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_tokens_in_counts_tokens_touching_the_spans(text, data):
    n = len(text)
    raw = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n)), max_size=4))
    chosen = [(s, max(e, s + 1)) for s, e in raw if s < n]
    chosen = [(s, min(e, n)) for s, e in chosen]
    covered = {c for s, e in chosen for c in range(s, e)}
    expected = sum(1 for m in re.finditer(r"\w+", text) if covered & set(range(m.start(), m.end())))
    assert tokens_in(text, chosen) == expected
