"""Anchored annotation: spans written as words resolve to the right offsets, or to a clear problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from whosaidwhat.annotate.anchor import AnchorError, anchor_document, resolve_span

TEXT = "A negotiated peace, he said, “will require both sides.” The hero said he would stay."


def test_unique_words_resolve_to_their_offsets() -> None:
    assert resolve_span(TEXT, "A negotiated peace") == {"start": 0, "end": 18, "text": "A negotiated peace"}


def test_whole_words_only_so_he_is_not_found_inside_the_or_hero() -> None:
    # "he" occurs inside "The" and "hero" but only twice as a word.
    with pytest.raises(AnchorError, match="occurs 2 times"):
        resolve_span(TEXT, "he")
    second = resolve_span(TEXT, "he@2")
    assert TEXT[second["start"] : second["end"]] == "he" and TEXT[second["start"] - 5 : second["start"]] == "said "


def test_occurrence_out_of_range() -> None:
    with pytest.raises(AnchorError, match="only 2 times, not 3"):
        resolve_span(TEXT, "he@3")


def test_context_picks_the_occurrence() -> None:
    span = resolve_span(TEXT, {"text": "he", "in": "peace, he said"})
    assert span == {"start": 20, "end": 22, "text": "he"}


def test_context_must_be_unique_and_contain_the_words() -> None:
    with pytest.raises(AnchorError, match="occurs 0 times"):
        resolve_span(TEXT, {"text": "he", "in": "no such context"})
    with pytest.raises(AnchorError, match="inside the context"):
        resolve_span(TEXT, {"text": "she", "in": "peace, he said"})


def test_missing_words() -> None:
    with pytest.raises(AnchorError, match="does not occur"):
        resolve_span(TEXT, "Kallas")


def test_extra_keys_such_as_mention_kind_are_kept() -> None:
    assert resolve_span(TEXT, {"text": "he@1", "kind": "pronoun"})["kind"] == "pronoun"


def anchored() -> dict:
    return {
        "id": "d1",
        "text": TEXT,
        "actors": [{"id": "a1", "name": "Someone", "type": "PERSON",
                    "mentions": [{"text": "he@1", "kind": "pronoun"}]}],
        "quotes": [{"id": "q1", "type": "mixed", "content": ["A negotiated peace", "will require both sides."],
                    "cue": "said@1", "speaker": "a1", "speaker_mention": "he@1"}],
        "targets": [{"id": "t1", "label": "peace", "kind": "proposal", "mentions": ["A negotiated peace"]}],
        "stances": [{"id": "s1", "holder": "a1", "target": "t1", "polarity": "support",
                     "evidence": {"quotes": ["q1"], "spans": ["will require"]}}],
    }


def test_a_whole_document_anchors_and_validates() -> None:
    doc, problems = anchor_document(anchored())
    assert problems == [] and doc is not None
    assert [s.text for s in doc.quotes[0].content] == ["A negotiated peace", "will require both sides."]
    assert doc.quotes[0].speaker_mention is not None and doc.quotes[0].speaker_mention.start == 20
    assert doc.stances[0].evidence.spans[0].text == "will require"


def test_problems_name_the_field() -> None:
    value = anchored()
    value["quotes"][0]["cue"] = "told"
    value["actors"][0]["mentions"] = ["he"]
    doc, problems = anchor_document(value)
    assert doc is None
    fields = {f for f, _ in problems}
    assert "quotes[0].cue" in fields and "actors[0].mentions[0]" in fields


def test_cli_writes_jsonl_and_reports_problems(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(anchored()), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "anchor", str(good), "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["quotes"][0]["cue"]["start"] == TEXT.index("said")
    bad_value = anchored()
    bad_value["quotes"][0]["speaker_mention"] = "nobody"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_value), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "whosaidwhat", "anchor", str(bad), "--out", str(tmp_path / "x.jsonl")],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"{bad}:: d1: quotes[0].speaker_mention: 'nobody' does not occur" in run.stderr
    assert not (tmp_path / "x.jsonl").exists()
