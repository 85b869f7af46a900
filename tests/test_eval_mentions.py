"""Mention-level scoring: nervaluate's and spaCy's published cases, and a differential test.

nervaluate's spans have *inclusive* ends (token indices); ours are half-open,
so every nervaluate end becomes ``end + 1`` here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whosaidwhat.eval.align import SCHEMES, score_mentions

nervaluate = pytest.importorskip("nervaluate")
from nervaluate.evaluator import Evaluator  # noqa: E402


def _half_open(entities):
    return [(e["start"], e["end"] + 1, e["label"]) for e in entities]


# nervaluate README, "Putting all together": the six scenarios of the SemEval-2013 9.1 table,
# written as token offsets of one sentence (end inclusive in nervaluate).
#   III  gold BRAND tikosyn            / -                         MIS everywhere
#   II   -                             / BRAND healthy             SPU everywhere
#   V    gold DRUG warfarin            / DRUG of warfarin          type COR, partial PAR, exact INC, strict INC
#   IV   gold DRUG propranolol         / BRAND propranolol         type INC, partial COR, exact COR, strict INC
#   I    gold DRUG phenytoin           / DRUG phenytoin            COR everywhere
#   VI   gold GROUP contraceptives     / DRUG oral contraceptives  type INC, partial PAR, exact INC, strict INC
# The README's summary ("Correct 3 / 3 / 3 / 2") counts six gold entities: scenario I occurs twice.
README_GOLD = [
    {"label": "DRUG", "start": 16, "end": 16},
    {"label": "BRAND", "start": 0, "end": 0},
    {"label": "DRUG", "start": 5, "end": 5},
    {"label": "DRUG", "start": 8, "end": 8},
    {"label": "DRUG", "start": 10, "end": 10},
    {"label": "GROUP", "start": 13, "end": 13},
]
README_PRED = [
    {"label": "DRUG", "start": 16, "end": 16},
    {"label": "BRAND", "start": 2, "end": 2},
    {"label": "DRUG", "start": 4, "end": 5},
    {"label": "BRAND", "start": 8, "end": 8},
    {"label": "DRUG", "start": 10, "end": 10},
    {"label": "DRUG", "start": 12, "end": 13},
]
README_TABLE = {  # scheme: (COR, INC, PAR, MIS, SPU, P, R, F) from the README
    "type": (3, 2, 0, 1, 1, 0.5, 0.5, 0.5),
    "partial": (3, 0, 2, 1, 1, 0.66, 0.66, 0.66),
    "exact": (3, 2, 0, 1, 1, 0.5, 0.5, 0.5),
    "strict": (2, 3, 0, 1, 1, 0.33, 0.33, 0.33),
}


def _prf(outcome, scheme):
    cor, inc, par, mis, spu = outcome
    tp = cor + (0.5 * par if scheme in ("partial", "type") else 0)
    act, pos = cor + inc + par + spu, cor + inc + par + mis
    p, r = tp / act, tp / pos
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


@pytest.mark.parametrize("scheme", SCHEMES)
def test_nervaluate_readme_table(scheme):
    result = score_mentions(_half_open(README_GOLD), _half_open(README_PRED))
    cor, inc, par, mis, spu, p, r, f = README_TABLE[scheme]
    assert result.overall[scheme] == (cor, inc, par, mis, spu)
    got = _prf(result.overall[scheme], scheme)
    assert got == pytest.approx((p, r, f), abs=0.01)  # the README rounds down to two digits


def test_nervaluate_readme_list_example_with_per_type():
    # README "Usage example": BIO tags -> entities (token offsets, end inclusive).
    # "The John Smith who works at Google Inc" / "In Paris Marie Curie lived in 1895"
    gold = [
        [(1, 2, "PER"), (6, 7, "ORG")],
        [(1, 1, "LOC"), (2, 3, "PER"), (6, 6, "DATE")],
    ]
    pred = [
        [(2, 3, "PER"), (6, 7, "ORG")],
        [(1, 2, "LOC"), (3, 3, "PER"), (6, 6, "DATE")],
    ]
    totals = {s: [0] * 5 for s in SCHEMES}
    strict_by_type: dict[str, list[int]] = {}
    for g, p in zip(gold, pred):
        r = score_mentions([(s, e + 1, t) for s, e, t in g], [(s, e + 1, t) for s, e, t in p])
        for s in SCHEMES:
            totals[s] = [a + b for a, b in zip(totals[s], r.overall[s])]
        for label, outcomes in r.per_label.items():
            acc = strict_by_type.setdefault(label, [0] * 5)
            strict_by_type[label] = [a + b for a, b in zip(acc, outcomes["strict"])]
    # Published summary: ent_type 5 COR; exact 2 COR 3 INC; partial 2 COR 3 PAR (P = R = 0.70); strict 2 COR 3 INC.
    assert totals["type"] == [5, 0, 0, 0, 0]
    assert totals["exact"] == [2, 3, 0, 0, 0]
    assert totals["partial"] == [2, 0, 3, 0, 0]
    assert totals["strict"] == [2, 3, 0, 0, 0]
    assert _prf(totals["partial"], "partial")[0] == pytest.approx(0.70)
    # Published per-type strict: DATE 1 COR, LOC 1 INC, ORG 1 COR, PER 2 INC.
    assert strict_by_type == {
        "DATE": [1, 0, 0, 0, 0],
        "LOC": [0, 1, 0, 0, 0],
        "ORG": [1, 0, 0, 0, 0],
        "PER": [0, 2, 0, 0, 0],
    }


def test_spacy_ner_per_type_apple():
    # spaCy tests/test_scorer.py::test_ner_per_type, second case (character offsets, half-open):
    # "Apple is looking at buying U.K. startup for $1 billion"; gold ORG Apple, GPE U.K., MONEY $1 billion;
    # predicted ORG Apple, GPE U.K., ORG startup.  spaCy: P = R = F = 2/3; GPE 1/1/1; MONEY 0/0/0; ORG P .5 R 1 F 2/3.
    gold = [(0, 5, "ORG"), (27, 31, "GPE"), (44, 54, "MONEY")]
    pred = [(0, 5, "ORG"), (27, 31, "GPE"), (32, 39, "ORG")]
    r = score_mentions(gold, pred)
    assert _prf(r.overall["strict"], "strict") == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert _prf(r.per_label["GPE"]["strict"], "strict") == pytest.approx((1.0, 1.0, 1.0))
    assert r.per_label["MONEY"]["strict"] == (0, 0, 0, 1, 0)
    assert _prf(r.per_label["ORG"]["strict"], "strict") == pytest.approx((0.5, 1.0, 2 / 3))


def test_one_to_one_where_greedy_double_counts():
    # One gold mention, two predictions: the first only overlaps, the second is exact.  nervaluate's
    # greedy strict pass gives the gold mention to the first prediction (INC) and the exact one is
    # then SPU; the optimal one-to-one assignment takes the exact pair.
    gold = [(0, 10, "PERSON")]
    pred = [(0, 4, "PERSON"), (0, 10, "PERSON")]
    r = score_mentions(gold, pred)
    assert r.overall["strict"] == (1, 0, 0, 0, 1)
    ev = Evaluator([[{"label": "PERSON", "start": 0, "end": 9}]], [[{"label": "PERSON", "start": 0, "end": 3}, {"label": "PERSON", "start": 0, "end": 9}]], tags=["PERSON"], loader="dict")
    strict = ev.evaluate()["overall"]["strict"]
    assert (strict.correct, strict.incorrect, strict.spurious) == (0, 1, 1)  # the documented greedy behaviour


LABELS = ("PERSON", "ORGANIZATION", "STATE")


@st.composite
def flat_spans(draw, max_len: int = 40):
    """Sorted, non-overlapping labelled spans over token positions 0..max_len (inclusive ends)."""
    cuts = sorted(draw(st.sets(st.integers(0, max_len), max_size=16)))
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        if draw(st.booleans()):
            spans.append((a, b, draw(st.sampled_from(LABELS))))
    return spans


def _nervaluate_counts(gold, pred):
    tags = list(LABELS)
    ev = Evaluator(
        [[{"label": l, "start": s, "end": e} for s, e, l in gold]],
        [[{"label": l, "start": s, "end": e} for s, e, l in pred]],
        tags=tags,
        loader="dict",
    )
    res = ev.evaluate()
    names = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}

    def counts(r):
        return (r.correct, r.incorrect, r.partial, r.missed, r.spurious)

    overall = {s: counts(res["overall"][n]) for s, n in names.items()}
    per_label = {label: {s: counts(res["entities"][label][n]) for s, n in names.items()} for label in res["entities"]}
    return overall, per_label


def _degree_at_most_one(gold, pred) -> bool:
    def overlaps(a, b):
        return a[0] <= b[1] and b[0] <= a[1]

    return all(sum(overlaps(g, p) for p in pred) <= 1 for g in gold) and all(
        sum(overlaps(g, p) for g in gold) <= 1 for p in pred
    )


@settings(max_examples=300, deadline=None)
@given(flat_spans(), flat_spans())
def test_differential_against_nervaluate(gold, pred):
    """Identical counts on random non-overlapping, sorted mention sets.

    Strict, exact and partial agree always (for sorted non-overlapping spans
    nervaluate's greedy pass finds a maximum matching, and exact pairs are
    isolated); the type scheme agrees whenever no mention overlaps two
    mentions of the other side — otherwise greedy may give a prediction to a
    same-type gold mention that a different-type one needed, which changes
    the INC/SPU/MIS split (never P or R).
    """
    ours = score_mentions([(s, e + 1, l) for s, e, l in gold], [(s, e + 1, l) for s, e, l in pred])
    overall, per_label = _nervaluate_counts(gold, pred)
    schemes = SCHEMES if _degree_at_most_one(gold, pred) else ("strict", "exact", "partial")
    for scheme in schemes:
        assert ours.overall[scheme] == overall[scheme], scheme
    for label, by_scheme in per_label.items():
        for scheme in schemes:
            assert ours.per_label[label][scheme] == by_scheme[scheme], (label, scheme)


@settings(max_examples=200, deadline=None)
@given(flat_spans(), flat_spans())
def test_optimal_credit_is_never_below_greedy(gold, pred):
    """In the type scheme greedy can even lose credit (a prediction of the wrong type takes the gold
    mention that a later same-type prediction needed); one-to-one optimal assignment never scores lower."""
    ours = score_mentions([(s, e + 1, l) for s, e, l in gold], [(s, e + 1, l) for s, e, l in pred])
    overall, _ = _nervaluate_counts(gold, pred)
    for scheme in SCHEMES:
        credit = lambda o: o[0] + 0.5 * o[2]  # noqa: E731
        assert credit(ours.overall[scheme]) >= credit(overall[scheme])


def test_type_scheme_greedy_loses_a_correct_match():
    # Found by the property above: nervaluate's ent_type gives COR 0, the optimal assignment COR 1.
    gold = [(0, 2, "ORGANIZATION")]
    pred = [(0, 1, "PERSON"), (2, 3, "ORGANIZATION")]
    ours = score_mentions([(s, e + 1, l) for s, e, l in gold], [(s, e + 1, l) for s, e, l in pred])
    overall, _ = _nervaluate_counts(gold, pred)
    assert overall["type"] == (0, 1, 0, 0, 1)
    assert ours.overall["type"] == (1, 0, 0, 0, 1)
