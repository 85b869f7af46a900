"""Round trips ours -> FORMAT -> ours: every layer a format holds comes back, and the warnings name exactly what does not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from test_formats_fixtures import assert_round_trip, canonical, documents, realistic
from whosaidwhat.annotate.formats import brat, doccano, labelstudio, spacy_docbin
from whosaidwhat.annotate.formats.report import ConversionReport
from whosaidwhat.corpus import jsonl
from whosaidwhat.corpus.model import Actor, Document, Quote, Span, Stance, Target

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold.jsonl"


def _labelstudio(tmp: Path, docs, out: ConversionReport, back: ConversionReport):
    labelstudio.write_tasks(tmp / "tasks.json", docs, out)
    return labelstudio.read_tasks(tmp / "tasks.json", back)


def _doccano(tmp: Path, docs, out, back):
    doccano.write_jsonl(tmp / "d.jsonl", docs, out)
    return doccano.read_jsonl(tmp / "d.jsonl", back)


def _brat(tmp: Path, docs, out, back):
    mapping = brat.load_mapping("default")
    brat.write_directory(tmp / "brat", docs, out, mapping)
    return brat.read_directory(tmp / "brat", back, mapping)


def _spacy(tmp: Path, docs, out, back):
    spacy_docbin.write_docbin(tmp / "d.spacy", docs, out)
    return spacy_docbin.read_docbin(tmp / "d.spacy", back)


FORMATS = {"labelstudio": _labelstudio, "doccano": _doccano, "brat": _brat, "spacy": _spacy}


def round_trip(fmt: str, tmp: Path, docs: list[Document]) -> tuple[list[Document], ConversionReport, ConversionReport]:
    out, back = ConversionReport("whosaidwhat", fmt), ConversionReport(fmt, "whosaidwhat")
    return FORMATS[fmt](tmp, docs, out, back), out, back


@pytest.mark.parametrize("fmt", FORMATS)
def test_realistic_document_comes_back_unchanged_without_warnings(fmt: str, tmp_path: Path) -> None:
    doc = realistic()
    [back], out, back_report = round_trip(fmt, tmp_path, [doc])
    assert out.warnings == [] and back_report.warnings == []
    assert canonical(back) == canonical(doc)


@pytest.mark.parametrize("fmt", FORMATS)
def test_what_no_span_format_can_hold_is_exactly_what_is_warned_about(fmt: str, tmp_path: Path) -> None:
    doc = realistic()
    text = doc.text or ""
    # An actor never named in the text, the stance it holds, a target without mention,
    # and a quote whose speaker is known but not the mention that introduces it.
    doc.actors.append(Actor("a9", "The European Commission", "ORGANIZATION"))
    doc.targets.append(Target("t9", "the euro", "policy"))
    doc.stances.append(Stance("s9", "a9", "t1", "neutral"))
    doc.stances.append(Stance("s8", "a1", "t9", "support"))
    q2 = next(q for q in doc.quotes if q.id == "q2")
    q2.speaker_mention = None
    [back], out, _ = round_trip(fmt, tmp_path, [doc])
    assert {(w.layer, w.item) for w in out.warnings if w.dropped} == {
        ("actors", "a9"), ("targets", "t9"), ("stances", "s9"), ("stances", "s8"), ("quotes", "q2")}
    assert_round_trip(doc, back, out)
    # The changed quote now names the speaker's first mention in the text.
    assert next(q for q in back.quotes if q.id == "q2").speaker_mention.text == "We"
    assert text  # the document kept its text


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(doc=documents())
def test_random_documents_round_trip(fmt: str, tmp_path_factory: pytest.TempPathFactory, doc: Document) -> None:
    tmp = tmp_path_factory.mktemp(fmt)
    [back], out, _ = round_trip(fmt, tmp, [doc])
    assert_round_trip(doc, back, out)


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_a_tampered_key_is_refused_naming_file_and_document(fmt: str, tmp_path: Path) -> None:
    from whosaidwhat.corpus.problems import CorpusError

    doc = realistic()
    round_trip(fmt, tmp_path, [doc])
    path = tmp_path / ("tasks.json" if fmt == "labelstudio" else "d.jsonl")
    raw = path.read_text(encoding="utf-8")
    path.write_text(raw.replace("Brussels", "Brussel!"), encoding="utf-8")  # the text changed after export
    reader = labelstudio.read_tasks if fmt == "labelstudio" else doccano.read_jsonl
    with pytest.raises(CorpusError) as caught:
        reader(path, ConversionReport(fmt, "whosaidwhat"))
    problem = caught.value.problems[0]
    assert problem.file == str(path) and problem.document == "news-1"
    assert "different text" in problem.message or "does not match" in problem.message


def test_label_studio_without_key_renames_but_keeps_structure(tmp_path: Path) -> None:
    import orjson

    doc = realistic()
    task = labelstudio.to_task(doc, ConversionReport("whosaidwhat", "labelstudio"))
    del task["meta"]
    (tmp_path / "t.json").write_bytes(orjson.dumps([task]))
    [back] = labelstudio.read_tasks(tmp_path / "t.json", ConversionReport("labelstudio", "whosaidwhat"))
    assert back.id == "news-1"
    assert [sorted(m.key for m in a.mentions) for a in back.actors] == [sorted(m.key for m in a.mentions) for a in
                                                                        sorted(doc.actors, key=lambda a: min(m.key for m in a.mentions))]
    names = {a.name for a in back.actors}
    assert "Anna Berg" in names and "Jonas Lind" in names  # the first mention of kind "name"
    assert {(q.cue.text, q.speaker_mention.text) for q in back.quotes} == {
        (q.cue.text, q.speaker_mention.text) for q in doc.quotes}
    assert sorted(s.polarity for s in back.stances) == sorted(s.polarity for s in doc.stances)
    assert all(not s.evidence.quotes and not s.evidence.spans for s in back.stances)  # evidence lives in the key


@pytest.mark.skipif(not GOLD.exists(), reason="corpus/gold.jsonl is not there yet")
@pytest.mark.parametrize("fmt", FORMATS)
def test_gold_corpus_round_trips(fmt: str, tmp_path: Path) -> None:
    docs = jsonl.load_documents([GOLD])
    back, out, _ = round_trip(fmt, tmp_path, docs)
    assert [d.id for d in back] == [d.id for d in docs]
    for original, converted in zip(docs, back):
        assert_round_trip(original, converted, out)
