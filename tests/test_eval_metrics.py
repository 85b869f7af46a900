"""Figures from statistics: spaCy's PRFScore cases, the SemEval-2016 macro-F, resampling tests."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score

from whosaidwhat.corpus.model import POLARITIES
from whosaidwhat.eval.config import ScoreConfig
from whosaidwhat.eval.metrics import PRFScore, figure_specs, prf
from whosaidwhat.eval.significance import approximate_randomization, bootstrap_intervals, paired_bootstrap
from whosaidwhat.eval.stats import StatLayout


def test_spacy_prf_score_cases():
    # spaCy tests/test_scorer.py::test_prf_score
    cand, gold1, gold2 = {"hi", "ho"}, {"yo", "hi"}, set()
    a = PRFScore()
    a.score_set(cand=cand, gold=gold1)
    assert (a.precision, a.recall, a.fscore) == pytest.approx((0.5, 0.5, 0.5))
    b = PRFScore()
    b.score_set(cand=cand, gold=gold2)
    assert (b.precision, b.recall, b.fscore) == pytest.approx((0.0, 0.0, 0.0))
    c = a + b
    assert (c.precision, c.recall, c.fscore) == pytest.approx((0.25, 0.5, 0.33333333))
    a += b
    assert (a.precision, a.recall, a.fscore) == pytest.approx((c.precision, c.recall, c.fscore))


def test_nothing_to_find_and_nothing_found_is_undefined_not_zero():
    p, r, f = prf(np.array([0.0]), np.array([0.0]), np.array([0.0]))
    assert np.isnan(p[0]) and np.isnan(r[0]) and np.isnan(f[0])
    assert PRFScore().fscore is None


def _macro_f_spec():
    layout = StatLayout(ScoreConfig())
    spec = next(s for s in figure_specs(layout) if s.name == "stances.polarity_macro_f")
    return layout, spec


def _conf_row(layout, gold_labels, pred_labels):
    row = np.zeros(len(layout))
    base = layout[f"s.conf.{POLARITIES[0]}.{POLARITIES[0]}"]
    for g, p in zip(gold_labels, pred_labels):
        row[base + POLARITIES.index(g) * 3 + POLARITIES.index(p)] += 1
    row[layout["s.pairs"]] = len(gold_labels)
    return row


def test_semeval_2016_macro_f_reference_value():
    # Worked by hand with the SemEval-2016 Task 6 script's rules (eval.pl): per class P = tp/guessed,
    # R = tp/gold, F = 2PR/(P+R); the score is (F_FAVOR + F_AGAINST) / 2 — NONE is a class but not averaged.
    gold = ["support"] * 4 + ["oppose"] * 4 + ["neutral"] * 2
    pred = ["support", "support", "support", "oppose", "oppose", "oppose", "neutral", "support", "neutral", "oppose"]
    # support: tp 3, guessed 4, gold 4 -> F .75; oppose: tp 2, guessed 4, gold 4 -> F .5; macro .625
    layout, spec = _macro_f_spec()
    value = spec.compute(_conf_row(layout, gold, pred)[None, :])["value"][0]
    assert value == pytest.approx(0.625)
    assert value == pytest.approx(f1_score(gold, pred, labels=["support", "oppose"], average="macro"))
    cells = _conf_row(layout, gold, pred)[layout["s.conf.support.support"]:][:9].reshape(3, 3)
    assert (cells == confusion_matrix(gold, pred, labels=list(POLARITIES))).all()


def test_macro_f_leaves_out_a_class_absent_from_both_sides():
    layout, spec = _macro_f_spec()
    value = spec.compute(_conf_row(layout, ["support", "neutral"], ["support", "neutral"])[None, :])["value"][0]
    assert value == 1.0  # SemEval's script would say 0.5 (F_AGAINST = 0 with no AGAINST at all)


def _stats(n, seed, p_correct):
    # columns: tp, predicted, gold (a P/R/F figure), per document
    rng = np.random.default_rng(seed)
    gold = rng.integers(1, 10, size=n).astype(float)
    tp = rng.binomial(gold.astype(int), p_correct).astype(float)
    return np.stack([tp, gold, gold], axis=1)


def _spec():
    from whosaidwhat.eval.metrics import FigureSpec

    return FigureSpec("x", "prf", ((0, 1.0),), 1, 2)


def test_bootstrap_interval_is_seeded_and_contains_the_estimate():
    stats = _stats(500, 1, 0.7)
    spec = _spec()
    a = bootstrap_intervals(stats, [spec], 300, seed=7)
    b = bootstrap_intervals(stats, [spec], 300, seed=7)
    c = bootstrap_intervals(stats, [spec], 300, seed=8)
    assert a == b and a != c
    lo, hi = a["x"]["f1"]
    point = spec.compute(stats.sum(axis=0)[None, :])["f1"][0]
    assert lo < point < hi
    assert hi - lo < 0.1


def test_identical_systems_are_not_significantly_different():
    stats = _stats(300, 2, 0.6)
    spec = _spec()
    p, ci = paired_bootstrap(stats, stats, [spec], 200, seed=1)["x"]
    assert p == 1.0 and ci == (0.0, 0.0)
    assert approximate_randomization(stats, stats, [spec], 200, seed=1)["x"] == 1.0


def test_a_clearly_better_system_is_significant_and_a_coin_flip_is_not():
    spec = _spec()
    better, worse = _stats(400, 3, 0.9), _stats(400, 3, 0.5)
    worse[:, 1:] = better[:, 1:]  # same gold and predicted counts, fewer true positives
    p_boot, ci = paired_bootstrap(better, worse, [spec], 500, seed=1)["x"]
    p_ar = approximate_randomization(better, worse, [spec], 500, seed=1)["x"]
    assert p_boot < 0.01 and p_ar < 0.01 and ci[0] > 0
    a, b = _stats(400, 4, 0.7), _stats(400, 5, 0.7)
    b[:, 1:] = a[:, 1:]
    assert approximate_randomization(a, b, [spec], 500, seed=1)["x"] > 0.01
