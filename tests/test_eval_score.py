"""Whole-document scoring: the README's worked example, properties, bad input, the CLI."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whosaidwhat.cli import main
from whosaidwhat.corpus import GOLD_PATH
from whosaidwhat.corpus.parse import parse_document
from whosaidwhat.corpus.problems import CorpusError
from whosaidwhat.corpus.validate import check_document
from whosaidwhat.eval import ScoreConfig, align_document, score_documents, score_files
from whosaidwhat.eval.keys import keys_from_bytes, keys_from_document

FAST = ScoreConfig(bootstrap=0)

TEXT = "“We will not accept it,” Anna Berg said. She added that talks must go on."


def _doc(obj):
    doc, problems = parse_document(obj, prediction="schema_version" not in obj)
    assert not problems, problems
    if doc.text is None:
        doc.text = TEXT
    assert not check_document(doc), check_document(doc)
    if "text" not in obj:
        doc.text = None
    return doc


def span(s, e, text=TEXT):
    return {"start": s, "end": e, "text": text[s:e]}


GOLD = {
    "id": "example-1", "schema_version": "1.0", "text": TEXT,
    "actors": [{"id": "a1", "name": "Anna Berg", "type": "PERSON", "mentions": [span(25, 34), span(41, 44)]}],
    "quotes": [
        {"id": "q1", "type": "direct", "content": [span(1, 22)], "cue": span(35, 39), "speaker": "a1", "speaker_mention": span(25, 34)},
        {"id": "q2", "type": "indirect", "content": [span(56, 72)], "cue": span(45, 50), "speaker": "a1", "speaker_mention": span(41, 44)},
    ],
    "targets": [{"id": "t1", "label": "the plan", "kind": "proposal", "mentions": [span(20, 22)]}],
    "stances": [{"id": "s1", "holder": "a1", "target": "t1", "polarity": "oppose", "evidence": {"quotes": ["q1"], "spans": []}}],
}
PRED = {
    "id": "example-1",
    "actors": [{"id": "p1", "name": "Berg", "type": "PERSON", "mentions": [span(30, 34), span(41, 44)]}],
    "quotes": [
        {"id": "x1", "type": "direct", "content": [span(0, 24)], "cue": span(35, 39), "speaker": "p1", "speaker_mention": None},
        {"id": "x2", "type": "direct", "content": [span(51, 72)], "cue": None, "speaker": "p1", "speaker_mention": None},
    ],
    "targets": [{"id": "pt1", "label": "it", "kind": "proposal", "mentions": [span(20, 22)]}],
    "stances": [{"id": "ps1", "holder": "p1", "target": "pt1", "polarity": "support", "evidence": {"quotes": [], "spans": []}}],
}


def test_readme_worked_example():
    report = score_documents([_doc(GOLD)], [_doc(PRED)], FAST)
    f = report.figures
    # Mentions: "She" exact; "Berg" inside "Anna Berg".
    assert f["mentions.strict"].counts["COR"] == 1 and f["mentions.strict"].counts["INC"] == 1
    assert (f["mentions.strict"].precision, f["mentions.strict"].recall) == (0.5, 0.5)
    assert f["mentions.partial"].f1 == 0.75  # (1 + ½·1) / 2
    assert f["mentions.type"].f1 == 1.0
    # Entities: both gold mentions are aligned with mentions of p1: φ = 2·2/(2+2) = 1.
    assert f["actor_entities"].f1 == 1.0
    # Quotes: x1 is q1 once “ ” and the comma are trimmed; x2 covers 16 of 21 characters of q2 ∪ x2.
    alignment = align_document(_doc(GOLD), _doc(PRED), FAST)
    by_gold = {q.gold_id: q for q in alignment.quotes}
    assert by_gold["q1"].exact and by_gold["q1"].coverage == 1.0
    assert by_gold["q2"].coverage == pytest.approx(16 / 21) and by_gold["q2"].token_overlap == pytest.approx(4 / 5)
    assert f["quotes.exact"].f1 == 0.5
    assert f["quotes.cov0.5"].f1 == 1.0 and f["quotes.cov0.3"].f1 == 1.0 and f["quotes.tok0.5"].f1 == 1.0
    assert f["quotes.cov0.8"].f1 == 0.5
    assert (f["quotes.tokens"].precision, f["quotes.tokens"].recall) == (0.9, 1.0)  # 9 of 10 predicted tokens
    assert (f["quotes.cue"].precision, f["quotes.cue"].recall) == (1.0, 0.5)
    assert f["quotes.attribution"].f1 == 1.0
    assert f["quotes.type_accuracy"].value == 0.5
    # Stances: holder and target aligned, polarity wrong.
    assert f["stances"].f1 == 0.0
    assert f["stances.polarity_accuracy"].value == 0.0
    assert report.confusion["oppose"]["support"] == 1
    assert f["stances.polarity_macro_f"].value == 0.0
    head = report.headline()
    assert [round(head[k].f1, 4) for k in ("actors", "actor_entities", "quotes", "stances")] == [0.5, 1.0, 1.0, 0.0]


def test_wrong_speaker_is_found_but_not_attributed():
    pred = copy.deepcopy(PRED)
    pred["actors"].append({"id": "p2", "name": "Other", "type": "PERSON", "mentions": [span(1, 3)]})
    pred["quotes"][1]["speaker"] = "p2"
    f = score_documents([_doc(GOLD)], [_doc(pred)], FAST).figures
    assert f["quotes.cov0.5"].recall == 1.0
    assert f["quotes.attribution"].recall == 0.5


def test_null_speaker_in_gold_and_prediction_counts_as_correct_attribution():
    gold, pred = copy.deepcopy(GOLD), copy.deepcopy(PRED)
    gold["quotes"][1]["speaker"] = gold["quotes"][1]["speaker_mention"] = None
    pred["quotes"][1]["speaker"] = None
    assert score_documents([_doc(gold)], [_doc(pred)], FAST).figures["quotes.attribution"].f1 == 1.0
    pred["quotes"][1]["speaker"] = "p1"
    assert score_documents([_doc(gold)], [_doc(pred)], FAST).figures["quotes.attribution"].f1 == 0.5


# -- random documents ---------------------------------------------------------------------------

WORDS = "the minister said talks must go on and we will not accept it officials warned".split()
TYPES = ("PERSON", "ORGANIZATION", "STATE", "GROUP")


def random_gold(rng: random.Random, index: int) -> dict:
    words = [rng.choice(WORDS) for _ in range(rng.randrange(20, 60))]
    text = " ".join(words)
    pos, w = [], 0
    for word in words:
        pos.append((w, w + len(word)))
        w += len(word) + 1
    sp = lambda a, b: {"start": pos[a][0], "end": pos[b][1], "text": text[pos[a][0]:pos[b][1]]}  # noqa: E731
    slots = sorted(rng.sample(range(len(words)), rng.randrange(0, min(12, len(words)))))
    actors = []
    for k, slot in enumerate(slots):
        if not actors or rng.random() < 0.4:
            actors.append({"id": f"a{len(actors)}", "name": "n", "type": rng.choice(TYPES), "mentions": []})
        rng.choice(actors)["mentions"].append(sp(slot, slot))
    quotes = []
    for k in range(rng.randrange(4)):
        a = rng.randrange(len(words) - 3)
        b = min(len(words) - 1, a + rng.randrange(1, 6))
        speaker = rng.choice(actors)["id"] if actors and rng.random() < 0.8 else None
        quotes.append({"id": f"q{k}", "type": rng.choice(("direct", "indirect", "mixed")), "content": [sp(a, b)],
                       "cue": sp(b + 1, b + 1) if b + 1 < len(words) and rng.random() < 0.7 else None,
                       "speaker": speaker, "speaker_mention": None})
    targets = [{"id": f"t{k}", "label": "x", "kind": "proposal", "mentions": [sp(i, i)]}
               for k, i in enumerate(rng.sample(range(len(words)), rng.randrange(3)))]
    stances, seen = [], set()
    for k in range(rng.randrange(4)):
        if not actors or not targets:
            break
        h, t = rng.choice(actors)["id"], rng.choice(targets)["id"]
        if (h, t) in seen:
            continue
        seen.add((h, t))
        stances.append({"id": f"s{k}", "holder": h, "target": t, "polarity": rng.choice(("support", "oppose", "neutral")), "evidence": {"quotes": [], "spans": []}})
    return {"id": f"d{index}", "schema_version": "1.0", "text": text, "actors": actors, "quotes": quotes, "targets": targets, "stances": stances}


def as_document(obj: dict):
    doc, problems = parse_document(obj, prediction=False)
    assert not problems and not check_document(doc), (problems, check_document(doc))
    return doc


def perturb(rng: random.Random, gold: dict) -> dict:
    pred = copy.deepcopy(gold)
    for actor in pred["actors"]:
        actor["mentions"] = [m for m in actor["mentions"] if rng.random() > 0.2] or actor["mentions"]
        if rng.random() < 0.2:
            actor["type"] = rng.choice(TYPES)
    pred["quotes"] = [q for q in pred["quotes"] if rng.random() > 0.2]
    for q in pred["quotes"]:
        if rng.random() < 0.3 and pred["actors"]:
            q["speaker"] = rng.choice(pred["actors"])["id"]
    for s in pred["stances"]:
        if rng.random() < 0.3:
            s["polarity"] = rng.choice(("support", "oppose", "neutral"))
    return pred


corpora = st.builds(lambda seed, n: [random_gold(random.Random(seed * 1000 + i), i) for i in range(n)], st.integers(0, 10**6), st.integers(1, 5))


def _defined_values(report):
    for average in (report.figures, report.macro):
        for fig in average.values():
            for v in (fig.precision, fig.recall, fig.f1, fig.value):
                if v is not None:
                    yield v


@settings(max_examples=60, deadline=None)
@given(corpora)
def test_gold_against_itself_scores_one_everywhere(corpus):
    docs = [as_document(d) for d in corpus]
    report = score_documents(docs, docs, FAST)
    assert all(v == pytest.approx(1.0) for v in _defined_values(report))


def _shuffled(rng: random.Random, obj: dict) -> dict:
    out = copy.deepcopy(obj)
    for key in ("actors", "quotes", "targets", "stances"):
        rng.shuffle(out[key])
    for actor in out["actors"]:
        rng.shuffle(actor["mentions"])
    return out


@settings(max_examples=60, deadline=None)
@given(corpora, st.integers(0, 1000))
def test_order_of_documents_and_annotations_changes_nothing(corpus, seed):
    rng = random.Random(seed)
    preds = [perturb(rng, d) for d in corpus]
    base = score_documents([as_document(d) for d in corpus], [as_document(p) for p in preds], FAST)
    shuffled_preds = [_shuffled(rng, p) for p in preds]
    rng.shuffle(shuffled_preds)
    shuffled_gold = [_shuffled(rng, d) for d in corpus]
    again = score_documents([as_document(d) for d in shuffled_gold], [as_document(p) for p in shuffled_preds], FAST)
    strip = lambda r: {k: v for k, v in r.to_dict().items() if k != "signature"}  # noqa: E731 - the gold digest differs
    assert strip(base) == strip(again)


@settings(max_examples=60, deadline=None)
@given(corpora, st.integers(0, 1000))
def test_removing_a_prediction_never_raises_recall_and_adding_one_never_raises_precision(corpus, seed):
    rng = random.Random(seed)
    preds = [perturb(rng, d) for d in corpus]
    gold = [as_document(d) for d in corpus]
    base = score_documents(gold, [as_document(p) for p in preds], FAST).figures
    fewer = copy.deepcopy(preds)
    victim = rng.choice(fewer)
    for layer in ("quotes", "stances"):
        if victim[layer]:
            victim[layer].pop(rng.randrange(len(victim[layer])))
    for actor in victim["actors"]:
        if len(actor["mentions"]) > 1:
            actor["mentions"].pop()
            break
    after = score_documents(gold, [as_document(p) for p in fewer], FAST).figures
    for name in ("mentions.strict", "mentions.exact", "mentions.partial", "mentions.type", "quotes.exact", "quotes.cov0.5", "quotes.attribution", "stances"):
        if base[name].recall is not None and after[name].recall is not None:
            assert after[name].recall <= base[name].recall + 1e-12, name
    more = copy.deepcopy(preds)
    target = rng.choice(more)
    # A spurious quote and a spurious stance by a new actor whose only mention is a new span.
    text = target["text"]
    target["quotes"].append({"id": "spurious-q", "type": "direct", "content": [span(0, len(text), text)], "cue": None, "speaker": None, "speaker_mention": None})
    after = score_documents(gold, [as_document(p) for p in more], FAST).figures
    for name in ("quotes.exact", "quotes.cov0.8", "quotes.attribution"):
        if base[name].precision is not None:
            assert after[name].precision <= base[name].precision + 1e-12, name


@settings(max_examples=60, deadline=None)
@given(corpora)
def test_fast_reader_and_dataclass_path_give_the_same_keys(corpus):
    for obj in corpus:
        assert keys_from_bytes(orjson.dumps(obj), prediction=False) == keys_from_document(as_document(obj))


# -- files, errors and the command line -----------------------------------------------------------


def _write(path: Path, rows) -> Path:
    path.write_bytes(b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in rows))
    return path


@pytest.fixture
def files(tmp_path):
    rng = random.Random(5)
    gold = [random_gold(rng, i) for i in range(30)]
    pred = [perturb(rng, d) for d in gold]
    for p in pred:
        del p["text"], p["schema_version"]
    return tmp_path, gold, pred


def test_files_match_in_memory_scoring_and_order_does_not_matter(files):
    tmp, gold, pred = files
    g = _write(tmp / "g.jsonl", gold)
    in_order = score_files(g, _write(tmp / "p.jsonl", pred), FAST)
    shuffled = list(pred)
    random.Random(1).shuffle(shuffled)
    out_of_order = score_files(g, _write(tmp / "q.jsonl", shuffled), FAST)
    memory = score_documents([as_document(d) for d in gold], [as_document({**p, "text": d["text"], "schema_version": "1.0"}) for p, d in zip(pred, gold)], FAST)
    assert in_order.to_dict() == out_of_order.to_dict()
    assert in_order.to_dict()["micro"] == memory.to_dict()["micro"]


def test_missing_documents_count_as_missed_with_a_warning(files):
    tmp, gold, pred = files
    report = score_files(_write(tmp / "g.jsonl", gold), _write(tmp / "p.jsonl", pred[1:]), FAST)
    assert report.missing == [gold[0]["id"]]
    assert gold[0]["id"] in report.warnings[0] and "all missed" in report.warnings[0]
    assert report.documents == len(gold)


def _problems(tmp, gold, pred, **kw):
    with pytest.raises(CorpusError) as info:
        score_files(_write(tmp / "g.jsonl", gold), _write(tmp / "p.jsonl", pred), FAST, **kw)
    return [str(p) for p in info.value.problems]


def test_bad_input_is_reported_with_file_line_and_document(files):
    tmp, gold, pred = files
    bad = copy.deepcopy(pred)
    bad[2] = b'{"id": "d2", "actors": ['  # malformed JSON
    bad[3]["actors"][0]["mentions"][0]["end"] = 10_000  # offsets out of range
    bad[4]["quotes"].append({"id": "zz", "type": "direct", "content": [bad[4]["quotes"][0]["content"][0] if bad[4]["quotes"] else span(0, 3, gold[4]["text"])], "cue": None, "speaker": "nobody", "speaker_mention": None})
    bad[5]["text"] = gold[5]["text"] + " changed"
    extra = {"id": "not-in-gold", "actors": [], "quotes": [], "targets": [], "stances": []}
    problems = _problems(tmp, gold, bad + [extra])
    joined = "\n".join(problems)
    assert f"{tmp / 'p.jsonl'}:3: -: line: malformed JSON" in joined
    assert any(p.startswith(f"{tmp / 'p.jsonl'}:4: d3: actors[0].mentions[0]") and "out of range" in p for p in problems)
    assert any(p.startswith(f"{tmp / 'p.jsonl'}:5: d4: quotes[") and "unknown actor id 'nobody'" in p for p in problems)
    assert any(p.startswith(f"{tmp / 'p.jsonl'}:6: d5: text: the text differs from the gold text") for p in problems)
    assert any(p.startswith(f"{tmp / 'p.jsonl'}:31: not-in-gold: id: document not in the gold file") for p in problems)
    # --ignore-extra turns the last one into a warning.
    assert not any("not-in-gold" in p for p in _problems(tmp, gold, bad + [extra], ignore_extra=True))


def test_cli_score_and_compare_formats_and_errors(files, capsys):
    tmp, gold, pred = files
    g, p = _write(tmp / "g.jsonl", gold), _write(tmp / "p.jsonl", pred)
    worse = [perturb(random.Random(9), {**d, "text": gd["text"]}) for d, gd in zip(pred, gold)]
    for w in worse:
        w.pop("text")
    b = _write(tmp / "b.jsonl", worse)
    assert main(["score", str(g), str(p), "--bootstrap", "50", "--format", "json", "--per-document"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["signature"].startswith("whosaidwhat:") and "|bs:50|seed:12345|gold:" in data["signature"]
    assert set(data["headline"]) == {"actors", "actor_entities", "quotes", "stances"}
    assert "f1_ci" in data["headline"]["actors"] and len(data["per_document"]) == 30
    for fmt in ("text", "markdown", "csv"):
        assert main(["score", str(g), str(p), "--bootstrap", "0", "--format", fmt]) == 0
        assert "whosaidwhat:" in capsys.readouterr().out
    out = tmp / "report.txt"
    assert main(["compare", str(g), str(p), str(b), "--bootstrap", "50", "--trials", "50", "--out", str(out)]) == 0
    assert "p (paired bootstrap)" in out.read_text() and "ar:50" in out.read_text()
    assert main(["score", str(g), str(tmp / "nope.jsonl")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["score", str(g), str(p), "--match", "cov7"]) == 2
    assert "unknown quote match" in capsys.readouterr().err


def test_cli_bad_file_exits_1_without_traceback(files):
    tmp, gold, pred = files
    g = _write(tmp / "g.jsonl", gold)
    p = _write(tmp / "p.jsonl", [b"not json"] + pred)
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "score", str(g), str(p)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and f"{p}:1: -: line: malformed JSON" in run.stderr


@pytest.mark.skipif(not GOLD_PATH.exists(), reason="corpus/gold.jsonl is not there yet")
def test_shipped_gold_scored_against_itself_is_perfect():
    report = score_files(GOLD_PATH, GOLD_PATH, FAST)
    assert report.documents > 0
    assert all(v == pytest.approx(1.0) for v in _defined_values(report))
