"""The shipped gold corpus: the seed document is complete, valid, built from its anchored source,
and every way of corrupting it is caught with a message naming file, line, document and field."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from whosaidwhat.annotate.anchor import anchor_file
from whosaidwhat.corpus import GOLD_PATH
from whosaidwhat.corpus.jsonl import load_documents
from whosaidwhat.corpus.validate import validate_files

REPO = Path(__file__).resolve().parents[1]
ANCHORED = REPO / "corpus" / "anchored"
SEED_ID = "europe-ukraine-trump-putin-call"
SEED_TEXT = REPO.parent / "shared" / "seed" / "europe-ukraine-trump-putin-call.txt"


def gold_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in GOLD_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def seed() -> dict[str, Any]:
    return next(d for d in gold_lines() if d["id"] == SEED_ID)


def test_gold_corpus_validates() -> None:
    report = validate_files([GOLD_PATH])
    assert report.problems == []
    assert SEED_ID in {d.id for d in report.documents}


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="shared/ seed not beside the repository")
def test_seed_text_is_the_shared_article_byte_for_byte() -> None:
    assert seed()["text"].encode("utf-8") == SEED_TEXT.read_bytes()


def test_gold_is_built_from_the_anchored_sources() -> None:
    # corpus/gold.jsonl is generated; a hand edit that skipped the anchored source is drift.
    built = {d.id: d.to_dict() for path in sorted(ANCHORED.glob("*.json")) for d in anchor_file(path)}
    shipped = {d["id"]: d for d in gold_lines()}
    for doc_id, doc in built.items():
        assert shipped.get(doc_id) == doc, f"{doc_id}: corpus/gold.jsonl differs from corpus/anchored/"


def test_seed_is_annotated_completely() -> None:
    [doc] = [d for d in load_documents([GOLD_PATH]) if d.id == SEED_ID]
    assert (len(doc.actors), len(doc.quotes), len(doc.targets), len(doc.stances)) == (24, 15, 11, 13)
    by_type: dict[str, int] = {}
    for q in doc.quotes:
        by_type[q.type] = by_type.get(q.type, 0) + 1
    assert by_type == {"direct": 2, "indirect": 9, "mixed": 4}
    actors = doc.actor_by_id()
    # The guidelines' running examples, checked against the data.
    q14 = next(q for q in doc.quotes if q.id == "q14")
    assert [s.text for s in q14.content] == ["A negotiated peace", "will require both sides recognizing things they don’t want to"]
    assert actors[q14.speaker].name == "Pete Hegseth" and q14.speaker_mention.text == "he"
    q6 = next(q for q in doc.quotes if q.id == "q6")
    assert q6.type == "mixed" and q6.speaker_mention.text == "Hanno Pevkur" and q6.cue.start < q6.speaker_mention.start
    q15 = next(q for q in doc.quotes if q.id == "q15")
    assert q15.cue.text == "according to" and actors[q15.speaker].type == "PERSON"
    # No mention inside the boilerplate or the credit line.
    text = doc.text
    for excluded in ("Most Read from Bloomberg", "(Bloomberg) --"):
        lo = text.index(excluded)
        hi = lo + len(excluded)
        assert not any(lo <= m.start < hi for a in doc.actors for m in a.mentions), excluded


# --- corruptions: each kind of error the validator must catch, applied to the real seed ------------

def _corrupt(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(seed())
    mutate(doc)
    return doc


CORRUPTIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "enum value": (lambda d: d["actors"][0].update(type="CROWD"), "actors[0].type", "'CROWD' is not one of"),
    "missing field": (lambda d: d["quotes"][0].pop("type"), "quotes[0].type", "missing required field"),
    "offset out of range": (lambda d: d["quotes"][1]["content"][0].update(end=10**6),
                            "quotes[1].content[0]", "out of range"),
    "start not before end": (lambda d: d["actors"][1]["mentions"][0].update(end=d["actors"][1]["mentions"][0]["start"]),
                             "actors[1].mentions[0]", "must be less than end"),
    "covered text drift": (lambda d: d["targets"][0]["mentions"][0].update(start=d["targets"][0]["mentions"][0]["start"] + 1),
                           "targets[0].mentions[0]", "does not match the document text"),
    "duplicate id": (lambda d: d["quotes"][1].update(id="q1"), "quotes[1].id", "duplicate id 'q1'"),
    "unknown speaker": (lambda d: d["quotes"][2].update(speaker="a99"), "quotes[2].speaker", "unknown actor id 'a99'"),
    "speaker mention not the speaker's": (lambda d: d["quotes"][2].update(speaker="a18"),
                                          "quotes[2].speaker_mention", "is not a mention of the speaker 'a18'"),
    "unknown holder": (lambda d: d["stances"][0].update(holder="a99"), "stances[0].holder", "unknown actor id"),
    "unknown target": (lambda d: d["stances"][0].update(target="t99"), "stances[0].target", "unknown target id"),
    "unknown evidence quote": (lambda d: d["stances"][0]["evidence"].update(quotes=["q99"]),
                               "stances[0].evidence.quotes[0]", "unknown quote id"),
    "unknown affiliation": (lambda d: d["actors"][1].update(affiliation="a99"), "actors[1].affiliation", "unknown actor id"),
    "unsupported schema version": (lambda d: d.update(schema_version="2.0"), "schema_version", "unsupported schema version"),
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_each_corruption_of_the_seed_is_reported_with_its_place(kind: str, tmp_path: Path) -> None:
    mutate, field, message = CORRUPTIONS[kind]
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(_corrupt(mutate), ensure_ascii=False) + "\n", encoding="utf-8")
    problems = validate_files([path]).problems
    rendered = [str(p) for p in problems]
    assert any(
        p.file == str(path) and p.line == 1 and p.document == SEED_ID and p.field == field and message in p.message
        for p in problems
    ), rendered


def test_duplicate_document_and_bad_encoding_and_malformed_line(tmp_path: Path) -> None:
    line = json.dumps(seed(), ensure_ascii=False).encode("utf-8")
    path = tmp_path / "gold.jsonl"
    path.write_bytes(line + b"\n" + line + b"\n" + b"\xff\xfe not utf-8\n" + b"{not json\n")
    rendered = [str(p) for p in validate_files([path]).problems]
    assert f"{path}:2: {SEED_ID}: id: duplicate document id (first at {path}:1)" in rendered
    assert any(r.startswith(f"{path}:3: -: line: not valid UTF-8") for r in rendered), rendered
    assert any(r.startswith(f"{path}:4: -: line: malformed JSON") for r in rendered), rendered


def test_cli_reports_corruptions_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    doc = _corrupt(lambda d: (d["quotes"][2].update(speaker="a99"), d["stances"][0].update(target="t99")))
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "validate", str(path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"{path}:1: {SEED_ID}: quotes[2].speaker: unknown actor id 'a99'" in run.stderr
    assert f"{path}:1: {SEED_ID}: stances[0].target: unknown target id 't99'" in run.stderr


def test_stats_on_the_corpus_directory_shows_the_seed_counts() -> None:
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "stats", str(REPO / "corpus"), "--format", "json"],
                         capture_output=True, text=True, check=True)
    stats = json.loads(run.stdout)
    test = stats["test"]
    assert test["documents"] >= 1
    seed_doc = seed()
    assert stats["all"]["quotes"] >= len(seed_doc["quotes"]) == 15
    assert stats["all"]["polarities"]["oppose"] >= 8
