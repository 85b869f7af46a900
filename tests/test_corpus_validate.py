"""The validator: every kind of problem is found, reported with file:line: document: field, never a traceback."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import jsonschema
import pytest

from whosaidwhat.corpus import SCHEMA_PATH
from whosaidwhat.corpus.jsonl import load_documents, write_documents
from whosaidwhat.corpus.parse import parse_document
from whosaidwhat.corpus.problems import CorpusError
from whosaidwhat.corpus.validate import validate_files

TEXT = "“We will not accept it,” Anna Berg said. She added that talks must go on, according to Reuters."


def span(text: str, occurrence: int = 0, within: str = TEXT) -> dict[str, Any]:
    start = -1
    for _ in range(occurrence + 1):
        start = within.index(text, start + 1)
    return {"start": start, "end": start + len(text), "text": text}


def make_document() -> dict[str, Any]:
    """A small document that uses every layer and every kind of reference."""
    return {
        "id": "doc-1",
        "schema_version": "1.0",
        "text": TEXT,
        "meta": {"title": "Test", "language": "en", "license": "CC0"},
        "annotators": ["tester"],
        "actors": [
            {"id": "a1", "name": "Anna Berg", "type": "PERSON", "role": "minister", "affiliation": "a2",
             "mentions": [{**span("Anna Berg"), "kind": "name"}, {**span("She"), "kind": "pronoun"}]},
            {"id": "a2", "name": "Reuters", "type": "ORGANIZATION", "mentions": [{**span("Reuters"), "kind": "name"}]},
        ],
        "quotes": [
            {"id": "q1", "type": "direct", "content": [span("We will not accept it")], "cue": span("said"),
             "speaker": "a1", "speaker_mention": span("Anna Berg")},
            {"id": "q2", "type": "indirect", "content": [span("talks must go on")], "cue": span("added"),
             "speaker": "a1", "speaker_mention": span("She")},
        ],
        "targets": [
            {"id": "t1", "label": "the plan", "kind": "proposal", "mentions": [span("it")]},
            {"id": "t2", "label": "Reuters", "kind": "actor", "actor": "a2", "mentions": [span("Reuters")]},
        ],
        "stances": [
            {"id": "s1", "holder": "a1", "target": "t1", "polarity": "oppose",
             "evidence": {"quotes": ["q1"], "spans": [span("will not accept")]}},
        ],
    }


def write_lines(path: Path, lines: list[Any]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
            f.write("\n")
    return path


def problems_for(tmp_path: Path, doc: dict[str, Any]) -> list[str]:
    path = write_lines(tmp_path / "corpus.jsonl", [doc])
    return [str(p) for p in validate_files([path]).problems]


def test_the_fixture_document_is_valid(tmp_path: Path) -> None:
    assert problems_for(tmp_path, make_document()) == []


def test_the_fixture_document_is_valid_under_the_json_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(make_document())


Corruption = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Corruption:
    """A corruption that sets a dotted path (list indices as numbers) to `value`."""

    def corrupt(doc: dict[str, Any]) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        target = doc
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return corrupt


_DELETE = object()

# (corruption, expected field path, expected words in the message, schema also rejects it)
CASES: list[tuple[str, Corruption, str, str, bool]] = [
    ("missing id", _set("id", _DELETE), "id", "missing required field", True),
    ("missing text", _set("text", _DELETE), "text", "missing required field", True),
    ("text not a string", _set("text", 42), "text", "expected a string", True),
    ("unsupported schema version", _set("schema_version", "2.0"), "schema_version", "unsupported schema version", True),
    ("bad actor type", _set("actors.0.type", "PERSONA"), "actors[0].type", "is not one of", True),
    ("bad mention kind", _set("actors.0.mentions.0.kind", "nickname"), "actors[0].mentions[0].kind", "is not one of", True),
    ("bad quote type", _set("quotes.0.type", "reported"), "quotes[0].type", "is not one of", True),
    ("bad polarity", _set("stances.0.polarity", "against"), "stances[0].polarity", "is not one of", True),
    ("bad target kind", _set("targets.0.kind", "thing"), "targets[0].kind", "is not one of", True),
    ("unknown field", _set("quotes.0.speeker", "a1"), "quotes[0].speeker", "unknown field", True),
    ("offset not an integer", _set("actors.0.mentions.0.start", "0"), "actors[0].mentions[0].start", "expected an integer", True),
    ("empty content", _set("quotes.0.content", []), "quotes[0].content", "at least one content span", True),
    ("meta not an object", _set("meta", "news"), "meta", "expected an object", True),
    ("meta title not a string", _set("meta.title", 3), "meta.title", "expected a string", True),
    ("offsets out of range", _set("quotes.0.cue.end", len(TEXT) + 5), "quotes[0].cue", "out of range", False),
    ("negative offset", _set("quotes.0.cue.start", -1), "quotes[0].cue", "out of range", True),
    ("start not before end", _set("actors.1.mentions.0.end", TEXT.index("Reuters")), "actors[1].mentions[0]", "must be less than end", False),
    ("span text drifted", _set("quotes.1.content.0.text", "talks must go"), "quotes[1].content[0]", "does not match the document text", False),
    ("duplicate id across layers", _set("targets.0.id", "q1"), "targets[0].id", "duplicate id 'q1'", False),
    ("unknown speaker", _set("quotes.0.speaker", "a9"), "quotes[0].speaker", "unknown actor id 'a9'", False),
    ("speaker mention of another actor", _set("quotes.1.speaker_mention", span("Reuters")), "quotes[1].speaker_mention", "is not a mention of the speaker", False),
    ("speaker mention without speaker", _set("quotes.1.speaker", None), "quotes[1].speaker_mention", "speaker is null", False),
    ("unknown holder", _set("stances.0.holder", "a7"), "stances[0].holder", "unknown actor id 'a7'", False),
    ("unknown target", _set("stances.0.target", "t9"), "stances[0].target", "unknown target id 't9'", False),
    ("unknown evidence quote", _set("stances.0.evidence.quotes", ["q1", "q5"]), "stances[0].evidence.quotes[1]", "unknown quote id 'q5'", False),
    ("unknown affiliation", _set("actors.0.affiliation", "a5"), "actors[0].affiliation", "unknown actor id 'a5'", False),
    ("self affiliation", _set("actors.1.affiliation", "a2"), "actors[1].affiliation", "affiliated with itself", False),
    ("unknown target actor", _set("targets.1.actor", "a4"), "targets[1].actor", "unknown actor id 'a4'", False),
    ("actor target without actor", _set("targets.1.actor", None), "targets[1].actor", "must name its actor", False),
]


@pytest.mark.parametrize("name, corrupt, field, words, schema_rejects", CASES, ids=[c[0] for c in CASES])
def test_each_corruption_is_reported_with_file_line_document_and_field(
    tmp_path: Path, name: str, corrupt: Corruption, field: str, words: str, schema_rejects: bool
) -> None:
    doc = make_document()
    corrupt(doc)
    problems = problems_for(tmp_path, doc)
    doc_id = doc.get("id", "-")
    expected_prefix = f"{tmp_path / 'corpus.jsonl'}:1: {doc_id}: {field}: "
    matching = [p for p in problems if p.startswith(expected_prefix) and words in p]
    assert matching, f"no problem like {expected_prefix!r}...{words!r} in {problems}"


@pytest.mark.parametrize("name, corrupt, field, words, schema_rejects", [c for c in CASES if c[4]], ids=[c[0] for c in CASES if c[4]])
def test_the_json_schema_rejects_the_same_structural_corruptions(
    name: str, corrupt: Corruption, field: str, words: str, schema_rejects: bool
) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    doc = make_document()
    corrupt(doc)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc)), "schema.json accepted a corrupted document"


def test_mention_listed_under_two_actors(tmp_path: Path) -> None:
    doc = make_document()
    doc["actors"][1]["mentions"].append({**span("She"), "kind": "pronoun"})
    assert any("actors[1].mentions[1]: mention" in p and "also a mention of actor 'a1'" in p for p in problems_for(tmp_path, doc))


def test_overlapping_content_spans(tmp_path: Path) -> None:
    doc = make_document()
    doc["quotes"][0]["content"].append(span("not accept it"))
    assert any("quotes[0].content: content spans" in p and "overlap" in p for p in problems_for(tmp_path, doc))


def test_the_same_stance_twice(tmp_path: Path) -> None:
    doc = make_document()
    doc["stances"].append({**copy.deepcopy(doc["stances"][0]), "id": "s2"})
    assert any("stances[1]: the same stance" in p for p in problems_for(tmp_path, doc))


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    doc = make_document()
    doc["quotes"][0]["speaker"] = "nobody"
    doc["stances"][0]["target"] = "nothing"
    doc["actors"][0]["type"] = "ALIEN"
    problems = problems_for(tmp_path, doc)
    assert len(problems) >= 3
    assert any("quotes[0].speaker" in p for p in problems)
    assert any("stances[0].target" in p for p in problems)
    assert any("actors[0].type" in p for p in problems)


def test_line_level_problems_name_the_line_and_do_not_stop_reading(tmp_path: Path) -> None:
    good = make_document()
    second = copy.deepcopy(good)
    second["id"] = "doc-2"
    path = tmp_path / "corpus.jsonl"
    with open(path, "wb") as f:
        f.write(json.dumps(good).encode() + b"\n")
        f.write(b'{"id": "broken", "text": \n')  # malformed JSON
        f.write(b"\n")  # blank lines are allowed
        f.write(b'["not", "an", "object"]\n')
        f.write(json.dumps(second).encode()[:-1] + b', "note": "caf\xe9"}\n')  # Latin-1 byte: not UTF-8
        f.write(json.dumps(good).encode() + b"\n")  # duplicate document id
    report = validate_files([path])
    messages = [str(p) for p in report.problems]
    assert any(m.startswith(f"{path}:2: -: line: malformed JSON") for m in messages), messages
    assert any(m.startswith(f"{path}:4: -: line: expected a JSON object") for m in messages), messages
    assert any(m.startswith(f"{path}:5: -: line: not valid UTF-8") for m in messages), messages
    assert any(m.startswith(f"{path}:6: doc-1: id: duplicate document id (first at {path}:1)") for m in messages), messages
    assert [d.id for d in report.documents] == ["doc-1", "doc-1"]


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    report = validate_files([tmp_path / "nope.jsonl"])
    assert [p.field for p in report.problems] == ["file"]
    assert "cannot open" in report.problems[0].message


def test_prediction_documents_may_omit_text_and_schema_version() -> None:
    doc = make_document()
    del doc["text"], doc["schema_version"]
    parsed, problems = parse_document(doc, prediction=True)
    assert problems == [] and parsed is not None and parsed.text is None
    _, gold_problems = parse_document(doc)
    assert {p for p, _ in gold_problems} == {"text", "schema_version"}


def test_round_trip_through_the_dataclasses_is_identical(tmp_path: Path) -> None:
    original = make_document()
    path = write_lines(tmp_path / "in.jsonl", [original])
    docs = load_documents([path])
    out = tmp_path / "out.jsonl"
    write_documents(out, docs)
    again = json.loads(out.read_text(encoding="utf-8"))
    # The writer emits every optional field explicitly (null cue/speaker, empty lists): compare on
    # the fields the fixture sets.
    for key, value in original.items():
        assert again[key] == value, key
    assert load_documents([out]) == docs


def test_load_documents_raises_with_every_problem(tmp_path: Path) -> None:
    doc = make_document()
    doc["quotes"][0]["speaker"] = "nobody"
    doc["stances"][0]["holder"] = "nobody"
    path = write_lines(tmp_path / "bad.jsonl", [doc])
    with pytest.raises(CorpusError) as info:
        load_documents([path])
    assert len(info.value.problems) == 2


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "whosaidwhat", *args], capture_output=True, text=True)


def test_cli_validate_exits_1_with_problem_lines_and_no_traceback(tmp_path: Path) -> None:
    doc = make_document()
    doc["quotes"][1]["content"][0]["text"] = "talks must go"
    path = write_lines(tmp_path / "bad.jsonl", [doc, "{oops"])
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}:1: doc-1: quotes[1].content[0]: text 'talks must go' does not match")
    assert lines[1].startswith(f"{path}:2: -: line: malformed JSON")
    assert lines[-1] == "2 problem(s) in 1 file(s)"


def test_cli_validate_ok_and_stats(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "good.jsonl", [make_document()])
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok: 1 document(s) in 1 file(s)"
    stats = run_cli("stats", str(path), "--format", "json")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)["all"]
    assert counts["actors"] == 2 and counts["mentions"] == 3 and counts["quotes"] == 2
    assert counts["quote_types"] == {"direct": 1, "indirect": 1, "mixed": 0}
    assert counts["polarities"] == {"support": 0, "oppose": 1, "neutral": 0}
    assert counts["actor_types"]["PERSON"] == 1 and counts["actor_types"]["ORGANIZATION"] == 1


def test_cli_stats_refuses_an_invalid_corpus(tmp_path: Path) -> None:
    doc = make_document()
    doc["stances"][0]["holder"] = "ghost"
    path = write_lines(tmp_path / "bad.jsonl", [doc])
    result = run_cli("stats", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path}:1: doc-1: stances[0].holder: unknown actor id 'ghost'" in result.stderr


def test_the_example_in_corpus_readme_is_a_valid_document() -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "corpus" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", readme, re.S)
    assert block is not None
    document, problems = parse_document(json.loads(block.group(1)))
    assert problems == [] and document is not None
    from whosaidwhat.corpus.validate import check_document

    assert check_document(document) == []


def test_corpus_readme_counts_match_the_shipped_gold() -> None:
    """The table in corpus/README.md is the shipped gold's: a stale table fails here."""
    import re

    from whosaidwhat.corpus import GOLD_PATH
    from whosaidwhat.corpus.stats import corpus_stats

    readme = (Path(__file__).resolve().parents[1] / "corpus" / "README.md").read_text(encoding="utf-8")
    documents = load_documents([GOLD_PATH])
    splits = ("test", "dev", "train")
    per_split = {s: corpus_stats(d for d in documents if d.meta.get("split") == s).to_dict() for s in splits}
    per_split["all"] = corpus_stats(documents).to_dict()

    def row(label: str) -> list[str]:
        match = re.search(r"^\| " + re.escape(label) + r" \|(.*)\|$", readme, re.M)
        assert match is not None, label
        return [cell.strip() for cell in match.group(1).split("|")]

    columns = (*splits, "all")
    assert row("documents") == [str(per_split[c]["documents"]) for c in columns]
    assert [cell.split(" ")[0] for cell in row("actors (PERSON / ORGANIZATION / STATE / GROUP)")] == [str(per_split[c]["actors"]) for c in columns]
    assert [cell.split(" ")[0] for cell in row("mentions (name / nominal / pronoun)")] == [str(per_split[c]["mentions"]) for c in columns]
    assert row("targets") == [str(per_split[c]["targets"]) for c in columns]
    polarities = [" / ".join(str(per_split[c]["polarities"][p]) for p in ("support", "oppose", "neutral")) for c in columns]
    assert row("stances: support / oppose / neutral") == polarities


def test_atomic_writes_get_the_usual_file_mode(tmp_path: Path) -> None:
    """Written through a private temporary file, the result still gets the mode open() would give (or keeps the old one)."""
    import os

    from whosaidwhat.corpus.jsonl import atomic_write_text

    mask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        atomic_write_text(new, "x")
        assert new.stat().st_mode & 0o777 == 0o644
        old = tmp_path / "old.txt"
        old.write_text("y")
        old.chmod(0o640)
        atomic_write_text(old, "z")
        assert old.stat().st_mode & 0o777 == 0o640 and old.read_text() == "z"
    finally:
        os.umask(mask)
