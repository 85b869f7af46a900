"""`whosaidwhat benchmark`: systems of all three kinds, the table, the report, escaping."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest

from whosaidwhat.annotate.html_report import _Marks, render_text
from whosaidwhat.cli import main
from whosaidwhat.corpus.jsonl import load_documents

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PY = sys.executable

TEXT = "“We will not accept it,” Anna Berg said. She added that talks must go on. <script>alert(1)</script>"
GOLD = {
    "id": "example-1", "schema_version": "1.0", "text": TEXT,
    "meta": {"title": "Example <b>title</b>", "language": "en"},
    "annotators": ["a"],
    "actors": [{"id": "a1", "name": "Anna Berg", "type": "PERSON", "mentions": [
        {"start": 25, "end": 34, "text": "Anna Berg", "kind": "name"},
        {"start": 41, "end": 44, "text": "She", "kind": "pronoun"}]}],
    "quotes": [
        {"id": "q1", "type": "direct", "content": [{"start": 1, "end": 22, "text": "We will not accept it"}],
         "cue": {"start": 35, "end": 39, "text": "said"}, "speaker": "a1",
         "speaker_mention": {"start": 25, "end": 34, "text": "Anna Berg"}},
        {"id": "q2", "type": "indirect", "content": [{"start": 56, "end": 72, "text": "talks must go on"}],
         "cue": {"start": 45, "end": 50, "text": "added"}, "speaker": "a1",
         "speaker_mention": {"start": 41, "end": 44, "text": "She"}}],
    "targets": [{"id": "t1", "label": "the plan", "kind": "proposal", "mentions": [{"start": 20, "end": 22, "text": "it"}]}],
    "stances": [{"id": "s1", "holder": "a1", "target": "t1", "polarity": "oppose", "evidence": {"quotes": ["q1"], "spans": []}}],
}


@pytest.fixture
def gold(tmp_path) -> Path:
    path = tmp_path / "gold.jsonl"
    second = dict(GOLD, id="example-2")
    path.write_bytes(orjson.dumps(GOLD) + b"\n" + orjson.dumps(second) + b"\n")
    return path


def test_benchmark_runs_all_three_kinds_of_system(tmp_path, gold, capsys):
    predictions = tmp_path / "preds.jsonl"
    assert __import__("subprocess").run([PY, str(EXAMPLES / "predictions_file.py"), str(gold), str(predictions)]).returncode == 0
    out = tmp_path / "report"
    code = main([
        "benchmark", "--corpus", str(gold), "--out", str(out), "--bootstrap", "50", "--seed", "1", "--quiet",
        "--extractor", "spacy-rules",
        "--extractor-cmd", f"{PY} {EXAMPLES / 'cmd_extractor.py'}",
        "--predictions", str(predictions),
    ])
    assert code == 0
    table = capsys.readouterr().out
    lines = table.splitlines()
    assert "actor mentions" in lines[0] and "docs/s" in lines[0]
    assert [line.split()[0] for line in lines[2:]] == ["spacy-rules", PY, "file:preds.jsonl"]
    rules_row = lines[2]
    # The baseline finds Anna Berg's quote with its speaker: attribution F1 is not zero.
    scores = orjson.loads((out / "scores-spacy-rules.json").read_bytes())
    assert scores["scores"]["headline"]["quotes"]["f1"] > 0
    assert scores["docs_per_second"] > 0
    assert "[" in rules_row  # confidence intervals shown
    for name in ("report.md", "report.html", "predictions-spacy-rules.jsonl"):
        assert (out / name).exists()
    load_documents([out / "predictions-spacy-rules.jsonl"])  # predictions are valid corpus files
    markdown = (out / "report.md").read_text()
    assert "| spacy-rules |" in markdown and "signature" in markdown


def test_gold_annotations_are_never_given_to_extractors(tmp_path, gold):
    seen = tmp_path / "seen.jsonl"
    spy = tmp_path / "spy.py"
    spy.write_text(
        "import sys, json\ndata = sys.stdin.read()\n"
        f"open({str(seen)!r}, 'w').write(data)\n"
        "for line in data.splitlines():\n    print(json.dumps({'id': json.loads(line)['id']}))\n",
        encoding="utf-8",
    )
    assert main(["benchmark", "--corpus", str(gold), "--out", str(tmp_path / "r"), "--bootstrap", "0", "--quiet",
                 "--extractor-cmd", f"{PY} {spy}"]) == 0
    for line in seen.read_text().splitlines():
        given = orjson.loads(line)
        assert given["actors"] == [] and given["quotes"] == [] and given["targets"] == [] and given["stances"] == []
        assert given["annotators"] == []


def test_the_html_report_escapes_the_text_and_marks_fp_and_fn(tmp_path, gold):
    out = tmp_path / "r"
    assert main(["benchmark", "--corpus", str(gold), "--out", str(out), "--bootstrap", "0", "--quiet",
                 "--extractor", "spacy-rules"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>title</b>" not in page and "&lt;b&gt;title&lt;/b&gt;" in page
    assert 'class="tp-quote"' in page  # Anna Berg's quote is found
    assert "<link" not in page and "src=" not in page  # self-contained
    # Quote → speaker links both ways.
    assert 'id="d0s0-0-speaker"' in page and 'href="#d0s0-0"' in page


def test_false_negatives_and_positives_are_marked(tmp_path, gold):
    preds = tmp_path / "p.jsonl"
    wrong = {"id": "example-1", "actors": [], "targets": [], "stances": [], "quotes": [
        {"id": "q1", "type": "direct", "content": [{"start": 74, "end": 82, "text": "<script>"}],
         "cue": None, "speaker": None, "speaker_mention": None}]}
    preds.write_bytes(orjson.dumps(wrong) + b"\n")
    out = tmp_path / "r"
    assert main(["benchmark", "--corpus", str(gold), "--out", str(out), "--bootstrap", "0", "--quiet", "--predictions", str(preds)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="fp-quote"' in page and "FP: no gold quote" in page
    assert 'class="fn-quote"' in page and "FN: missed" in page
    md = (out / "report.md").read_text()
    assert "example-2" in md  # the document without a prediction is reported


def test_bad_predictions_and_corpus_are_problems_not_tracebacks(tmp_path, gold, capsys):
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"id": "nope", "quotes": []}\n{oops\n')
    assert main(["benchmark", "--corpus", str(gold), "--out", str(tmp_path / "r"), "--predictions", str(preds)]) == 1
    err = capsys.readouterr().err
    assert "p.jsonl:1: nope: id: no gold document" in err and "p.jsonl:2" in err
    assert main(["benchmark", "--corpus", str(tmp_path / "missing.jsonl"), "--predictions", str(preds)]) == 2


def test_render_text_nests_overlapping_marks_and_escapes():
    marks = _Marks()
    marks.add(0, 5, "tp-quote", "q1")
    marks.add(3, 8, "fp-mention", "m <1>")
    marks.insert(8, "<sup>x</sup>")
    html = render_text("a<b>cdefgh", marks)
    assert html.startswith('<span class="tp-quote" title="q1">a&lt;b</span>')
    assert '<span class="fp-mention tp-quote" title="q1; m &lt;1&gt;">&gt;c</span>' in html
    assert html.endswith("<sup>x</sup>gh")
