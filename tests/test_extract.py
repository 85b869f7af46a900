"""`whosaidwhat extract` and the extractor protocol: registry, shell commands, errors."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import orjson
import pytest

from whosaidwhat.annotate import extractors
from whosaidwhat.annotate.extractors import (
    CommandExtractor,
    ExtractorError,
    checked,
    load_extractor,
    read_bare_documents,
    registered_extractors,
)
from whosaidwhat.cli import UsageError, main
from whosaidwhat.corpus.jsonl import load_documents
from whosaidwhat.corpus.model import Actor, Document, Mention, Quote, Span

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PY = sys.executable

ANNOTATED = {
    "id": "doc-1",
    "schema_version": "1.0",
    "text": "“We will not accept it,” Anna Berg said. She added that talks must go on.",
    "meta": {"title": "Example"},
    "annotators": ["x"],
    "actors": [{"id": "a1", "name": "Anna Berg", "type": "PERSON",
                "mentions": [{"start": 25, "end": 34, "text": "Anna Berg", "kind": "name"}]}],
    "quotes": [], "targets": [], "stances": [],
}


def write_lines(path: Path, rows: list) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("import sys, json\n" + body, encoding="utf-8")
    return f"{PY} {path}"


@pytest.fixture
def corpus(tmp_path) -> Path:
    second = {"id": "doc-2", "text": "Paul Smith told reporters that the deal was dead.", "meta": {}}
    return write_lines(tmp_path / "in.jsonl", [ANNOTATED, second])


def test_the_baselines_are_registered():
    names = set(registered_extractors())
    assert {"spacy-rules", "textacy-quotes"} <= names


def test_an_unknown_extractor_name_lists_the_registered_ones():
    with pytest.raises(UsageError, match="spacy-rules"):
        load_extractor("no-such-extractor")


def test_extract_reads_only_id_text_and_meta(tmp_path, corpus, capsys):
    # Annotations in INPUT are ignored: even invalid ones do not matter.
    broken = dict(ANNOTATED, actors=[{"id": 7}], quotes="not a list")
    source = write_lines(tmp_path / "annotated.jsonl", [broken])
    seen = tmp_path / "seen.jsonl"
    cmd = script(tmp_path, "spy.py", f"data = sys.stdin.read()\nopen({str(seen)!r}, 'w').write(data)\n"
                 "for line in data.splitlines():\n    print(json.dumps({'id': json.loads(line)['id']}))\n")
    assert main(["extract", "--extractor-cmd", cmd, str(source), str(tmp_path / "out.jsonl"), "--quiet"]) == 0
    given = orjson.loads(seen.read_text().splitlines()[0])
    assert given["id"] == "doc-1" and given["text"] == ANNOTATED["text"] and given["meta"] == {"title": "Example"}
    assert given["actors"] == [] and given["quotes"] == []
    (out,) = load_documents([tmp_path / "out.jsonl"])
    assert out.actors == [] and out.text == ANNOTATED["text"]  # text filled in from INPUT


def test_extract_with_spacy_rules_writes_valid_annotation(tmp_path, corpus):
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--extractor", "spacy-rules", str(corpus), str(out), "--batch-size", "1", "--quiet"]) == 0
    docs = load_documents([out])  # validated
    assert [d.id for d in docs] == ["doc-1", "doc-2"]
    first = docs[0]
    # The input's own annotation is not carried over: the actors are the extractor's.
    assert first.annotators == []
    assert any(q.content[0].text == "We will not accept it" for q in first.quotes)


def test_the_command_example_runs(tmp_path, corpus):
    out = tmp_path / "out.jsonl"
    cmd = f"{PY} {EXAMPLES / 'cmd_extractor.py'}"
    assert main(["extract", "--extractor-cmd", cmd, str(corpus), str(out), "--quiet"]) == 0
    docs = load_documents([out])
    assert [q.content[0].text for q in docs[0].quotes] == ["We will not accept it"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("sys.stdin.read()\nprint('boom', file=sys.stderr)\nsys.exit(3)\n", r"exited with status 3 on document 'doc-1'.*boom"),
        ("lines = sys.stdin.read().splitlines()\nprint(json.dumps({'id': 'doc-1'}))\nprint('{not json')\n",
         r"output line 2 \(for document 'doc-2'\) is not JSON"),
        ("sys.stdin.read()\nprint(json.dumps({'id': 'doc-2'}))\nprint(json.dumps({'id': 'doc-1'}))\n",
         r"returned document 'doc-2' where 'doc-1' was expected"),
        ("sys.stdin.read()\nprint(json.dumps({'id': 'doc-1'}))\n", r"output ended before document 'doc-2'"),
        ("sys.stdin.read()\nprint(json.dumps({'id': 'doc-1', 'quotes': [{'id': 'q1', 'type': 'direct', "
         "'content': [{'start': 0, 'end': 3, 'text': 'xyz'}]}]}))\nprint(json.dumps({'id': 'doc-2'}))\n",
         r"invalid annotation of document 'doc-1'.*does not match"),
        ("sys.stdin.read()\nprint(json.dumps({'id': 'doc-1', 'quotes': 5}))\n", r"output for document 'doc-1' is not in the corpus format"),
    ],
    ids=["exit-status", "malformed", "wrong-id", "missing", "invalid-span", "bad-shape"],
)
def test_a_failing_command_names_extractor_and_document_and_writes_nothing(tmp_path, corpus, capsys, body, message):
    cmd = script(tmp_path, "bad.py", body)
    out = tmp_path / "out.jsonl"
    out.write_text("previous content\n")
    assert main(["extract", "--extractor-cmd", cmd, str(corpus), str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    import re

    assert re.search(message, err, re.DOTALL), err
    assert "bad.py" in err  # the extractor is named
    assert out.read_text() == "previous content\n"  # untouched: written atomically or not at all
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl")]  # no temporary file left


def test_a_missing_command_is_a_clear_error(tmp_path, corpus, capsys):
    assert main(["extract", "--extractor-cmd", "no-such-program-xyz", str(corpus), str(tmp_path / "o.jsonl"), "--quiet"]) == 2
    assert "command not found" in capsys.readouterr().err


def test_bad_input_lines_are_reported_with_file_and_line(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "ok"}\n{"id": "b"}\n{broken\n', encoding="utf-8")
    assert main(["extract", "--extractor-cmd", f"{PY} {EXAMPLES / 'cmd_extractor.py'}", str(source), str(tmp_path / "o.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "in.jsonl:2: b: text: missing" in err and "in.jsonl:3: -: line: malformed JSON" in err


class _Raising:
    name = "raising"

    def extract(self, documents):
        for d in documents:
            if d.id == "b":
                raise RuntimeError("model exploded")
            yield d


class _Dropping:
    name = "dropping"

    def extract(self, documents):
        for d in documents:
            if d.id != "b":
                yield d


def test_a_python_extractor_that_raises_or_drops_a_document_is_named():
    docs = [Document("a", "x"), Document("b", "y"), Document("c", "z")]
    with pytest.raises(ExtractorError, match=r"'raising' failed on document 'b'.*model exploded"):
        list(checked(_Raising(), docs))
    with pytest.raises(ExtractorError, match=r"'dropping' returned document 'c' where 'b' was expected"):
        list(checked(_Dropping(), docs))


def test_extractors_are_given_bare_documents():
    gold = Document("a", "Anna Berg spoke.", actors=[Actor("a1", "Anna Berg", "PERSON", [Mention(0, 9, "Anna Berg")])],
                    quotes=[Quote("q1", [Span(0, 4, "Anna")], "direct")])
    seen = []

    class Spy:
        name = "spy"

        def extract(self, documents):
            for d in documents:
                seen.append(d)
                yield Document(d.id, None)

    (out,) = list(checked(Spy(), [gold]))
    assert seen[0].actors == [] and seen[0].quotes == [] and seen[0].text == gold.text
    assert out.text == gold.text


def test_the_entry_point_plugin_example(monkeypatch, tmp_path, corpus):
    monkeypatch.syspath_prepend(str(EXAMPLES / "plugin"))
    plugin = EntryPoint("quoted-sentences", "whosaidwhat_example_plugin:QuotedSentencesExtractor", extractors.ENTRY_POINT_GROUP)
    real = extractors.entry_points
    monkeypatch.setattr(extractors, "entry_points", lambda group: [*real(group=group), plugin])
    out = tmp_path / "out.jsonl"
    # --model and --n-process are not taken by this class: they are left out, not an error.
    assert main(["extract", "--extractor", "quoted-sentences", str(corpus), str(out), "--model", "x", "--n-process", "2", "--quiet"]) == 0
    docs = load_documents([out])
    assert [q.content[0].text for q in docs[0].quotes] == ["We will not accept it"]


def test_command_batches(tmp_path):
    cmd = CommandExtractor(f"{PY} {EXAMPLES / 'cmd_extractor.py'}", batch_size=2)
    docs = [Document(f"d{i}", f"“Quote number {i} here,” she said.") for i in range(5)]
    out = list(checked(cmd, docs))
    assert [d.id for d in out] == [f"d{i}" for i in range(5)]
    assert all(len(d.quotes) == 1 for d in out)


def test_read_bare_documents_rejects_duplicates(tmp_path):
    path = write_lines(tmp_path / "dup.jsonl", [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}])
    with pytest.raises(Exception, match="duplicate document id"):
        read_bare_documents(path)


def test_textacy_adapter_predicts_direct_quotes():
    pytest.importorskip("textacy")
    extractor = load_extractor("textacy-quotes")
    text = "“We will not accept this plan,” said Anna Berg, the minister. Paul Smith said nothing."
    (out,) = list(checked(extractor, [Document("t", text)]))
    assert [q.content[0].text for q in out.quotes] == ["We will not accept this plan"]
    q = out.quotes[0]
    assert q.cue is not None and q.cue.text == "said"
    speaker = next(a for a in out.actors if a.id == q.speaker)
    assert "Berg" in speaker.name


def test_textacy_adapter_declines_unbalanced_text_without_failing():
    pytest.importorskip("textacy")
    extractor = load_extractor("textacy-quotes")
    text = "“One quote,” she said. Then “an unclosed one, she said."
    (out,) = list(checked(extractor, [Document("u", text)]))
    assert out.quotes == [] and extractor.declined == ["u"]
