"""`agree` and `adjudicate`: agreement figures against reference computations, and merges that keep
exactly what two annotators share."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from whosaidwhat.annotate.adjudicate import adjudicate_files, merge_documents
from whosaidwhat.corpus import GOLD_PATH
from whosaidwhat.corpus.jsonl import load_documents, write_documents
from whosaidwhat.corpus.problems import CorpusError
from whosaidwhat.corpus.validate import check_document
from whosaidwhat.eval.agreement import cohen_kappa, compute_agreement, krippendorff_nominal

SEED_ID = "europe-ukraine-trump-putin-call"


@pytest.fixture(scope="module")
def seed():
    return next(d for d in load_documents([GOLD_PATH]) if d.id == SEED_ID)


def write(tmp_path: Path, name: str, docs) -> Path:
    path = tmp_path / name
    write_documents(path, docs)
    return path


def test_an_annotator_agrees_perfectly_with_itself(seed, tmp_path: Path) -> None:
    a = write(tmp_path, "a.jsonl", [seed])
    b = write(tmp_path, "b.jsonl", [seed])
    report = compute_agreement([a, b])
    [pair] = report.overall.pairs
    assert all(v == 1.0 for v in pair.f1.values()), pair.f1
    assert pair.kappa_quote_type == 1.0 and pair.kappa_polarity == 1.0
    assert report.overall.alpha_quote_type == 1.0 and report.overall.alpha_polarity == 1.0
    assert pair.matched_quotes == 15 and pair.matched_stances == 13
    assert [d.scope for d in report.documents] == [SEED_ID]


def test_polarity_and_type_disagreements_give_the_reference_kappa(seed, tmp_path: Path) -> None:
    other = copy.deepcopy(seed)
    other.stances[0] = replace(other.stances[0], polarity="support")  # s1 oppose -> support
    other.quotes[0] = replace(other.quotes[0], type="direct")  # q1 indirect -> direct
    report = compute_agreement([write(tmp_path, "a.jsonl", [seed]), write(tmp_path, "b.jsonl", [other])])
    [pair] = report.overall.pairs
    gold_pol = [s.polarity for s in seed.stances]
    other_pol = [s.polarity for s in other.stances]
    assert pair.kappa_polarity == pytest.approx(cohen_kappa_score(gold_pol, other_pol, labels=["support", "oppose", "neutral"]))
    assert pair.kappa_quote_type == pytest.approx(
        cohen_kappa_score([q.type for q in seed.quotes], [q.type for q in other.quotes], labels=["direct", "indirect", "mixed"]))
    # The stance is still matched (same holder and target) but the triple no longer agrees.
    assert pair.matched_stances == 13
    assert pair.f1["stance triples"] == pytest.approx(12 / 13)
    assert pair.f1["quote attribution"] == 1.0  # type does not enter attribution


def test_alpha_is_nominal_not_the_packages_interval_default() -> None:
    units = [["support", "oppose"], ["oppose", "oppose"], ["neutral", "support"], ["support", "support"],
             ["neutral", "neutral"], ["oppose", None]]
    labels = ["support", "oppose", "neutral"]
    data = np.array([[labels.index(u[c]) if u[c] is not None else np.nan for u in units] for c in range(2)])
    nominal = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    interval = krippendorff.alpha(reliability_data=data)
    assert nominal != pytest.approx(interval)
    assert krippendorff_nominal(units, labels) == pytest.approx(nominal)


def test_undefined_chance_corrected_values_are_none_not_nan() -> None:
    assert cohen_kappa([], [], ["a", "b"]) is None
    assert cohen_kappa(["a", "a"], ["a", "a"], ["a", "b"]) is None
    assert krippendorff_nominal([["a", None], [None, "b"]], ["a", "b"]) is None


def test_files_must_cover_the_same_documents_and_texts(seed, tmp_path: Path) -> None:
    changed = replace(copy.deepcopy(seed), text=seed.text.replace("Kallas", "Kalas"), actors=[], quotes=[], targets=[], stances=[])
    a = write(tmp_path, "a.jsonl", [seed])
    b = write(tmp_path, "b.jsonl", [changed])
    with pytest.raises(CorpusError) as info:
        compute_agreement([a, b])
    assert [str(p) for p in info.value.problems] == [f"{b}:1: {SEED_ID}: text: the text differs from {a} line 1"]
    renamed = replace(copy.deepcopy(seed), id="other-doc")
    c = write(tmp_path, "c.jsonl", [renamed])
    with pytest.raises(CorpusError) as info:
        compute_agreement([a, c])
    rendered = [str(p) for p in info.value.problems]
    assert f"{c}:: {SEED_ID}: id: document is in {a} (line 1) but not in this file" in rendered
    assert f"{c}:1: other-doc: id: document is not in {a}" in rendered


def test_merge_of_identical_annotations_keeps_everything(seed) -> None:
    merge = merge_documents(seed, copy.deepcopy(seed))
    assert merge.conflicts == []
    doc = merge.document
    assert doc.meta["adjudication"]["status"] == "agreed"
    assert [a.to_dict() for a in doc.actors] == [a.to_dict() for a in seed.actors]
    assert [q.id for q in doc.quotes] == [q.id for q in seed.quotes]
    assert [s.id for s in doc.stances] == [s.id for s in seed.stances]


def test_merge_keeps_agreed_items_and_lists_each_disagreement(seed) -> None:
    other = copy.deepcopy(seed)
    dropped = other.quotes.pop(1)  # B missed q2 (Trump's indirect quote)
    other.stances = [s for s in other.stances if s.id != "s11"]  # B did not annotate s11
    other.stances[0] = replace(other.stances[0], polarity="support")  # and disagrees on s1
    merge = merge_documents(seed, other)
    doc = merge.document
    assert check_document(doc) == []
    assert dropped.id not in {q.id for q in doc.quotes} and len(doc.quotes) == 14
    kept = {s.id for s in doc.stances}
    assert "s11" not in kept and "s1" not in kept and len(kept) == 11
    # s2's only evidence was q2, which is in conflict: the stance stays, its evidence list no longer names q2.
    s2 = next(s for s in doc.stances if s.id == "s2")
    assert s2.evidence.quotes == []
    reasons = sorted((c.layer, c.reason) for c in merge.conflicts)
    assert reasons == [("quote", "marked by A only"), ("stance", "annotated by A only"), ("stance", "polarities differ")]
    assert doc.meta["adjudication"] == {"conflicts": 3, "status": "needs review"}


def test_adjudicate_cli_writes_merged_and_review_files(seed, tmp_path: Path) -> None:
    other = copy.deepcopy(seed)
    other.actors[0].mentions.pop()  # B missed "they" of European leaders
    a = write(tmp_path, "a.jsonl", [seed])
    b = write(tmp_path, "b.jsonl", [other])
    out = tmp_path / "merged.jsonl"
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "adjudicate", str(a), str(b), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    [merged] = load_documents([out])
    conflicts = [json.loads(line) for line in (tmp_path / "merged.review.jsonl").read_text(encoding="utf-8").splitlines()]
    # The pronoun is a conflict; q1's speaker mention ("European leaders") is still agreed.
    assert [(c["layer"], c["a"]["text"]) for c in conflicts if c["layer"] == "mention"] == [("mention", "they")]
    assert "they" not in [m.text for m in merged.actors[0].mentions]
    assert merged.quotes[0].id == "q1"
    assert "## europe-ukraine-trump-putin-call — " in (tmp_path / "merged.review.md").read_text(encoding="utf-8")
    assert merged.annotators == seed.annotators  # same annotator name on both sides: listed once


def test_agree_cli_json_and_bad_input(seed, tmp_path: Path) -> None:
    a = write(tmp_path, "a.jsonl", [seed])
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "agree", str(a), str(a), "--format", "json"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["overall"]["pairs"][0]["f1"]["quote attribution"] == 1.0
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "agree", str(a), str(bad)], capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"{bad}:1: -: line: malformed JSON" in run.stderr


def test_adjudicate_refuses_mismatched_documents(seed, tmp_path: Path) -> None:
    a = write(tmp_path, "a.jsonl", [seed])
    b = write(tmp_path, "b.jsonl", [replace(copy.deepcopy(seed), id="another")])
    with pytest.raises(CorpusError):
        adjudicate_files(a, b)
