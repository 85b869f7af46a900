"""Converters, one format at a time: mapping decisions, imports from the tools, and bad input."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest

from test_formats_fixtures import realistic
from whosaidwhat.annotate.formats import brat, dna, doccano, labelstudio, spacy_docbin
from whosaidwhat.annotate.formats.graph import LINK_LABELS
from whosaidwhat.annotate.formats.report import ConversionReport
from whosaidwhat.cli import main
from whosaidwhat.corpus.jsonl import load_documents, write_documents
from whosaidwhat.corpus.model import Mention
from whosaidwhat.corpus.problems import CorpusError


def report(src: str = "x", dst: str = "whosaidwhat") -> ConversionReport:
    return ConversionReport(src, dst)


# --------------------------------------------------------------------------- Label Studio


def test_labeling_config_declares_every_label_a_task_uses() -> None:
    root = ET.fromstring(labelstudio.labeling_config())
    controls = {c.get("name"): [l.get("value") for l in c] for c in root.iter("Labels")}
    assert controls == {k: list(v) for k, v in labelstudio.CONTROLS.items()}
    assert [r.get("value") for r in root.iter("Relation")] == list(LINK_LABELS)
    kinds = next(root.iter("Choices"))
    assert kinds.get("perRegion") == "true" and kinds.get("name") == labelstudio.KIND_NAME
    task = labelstudio.to_task(realistic(), report())
    for item in task["predictions"][0]["result"]:
        if item["type"] == "labels":
            assert item["value"]["labels"][0] in controls[item["from_name"]]
        elif item["type"] == "relation":
            assert item["labels"][0] in LINK_LABELS


def _region(rid: str, control: str, label: str, text: str, start: int, end: int) -> dict:
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def _ls_export(text: str) -> list[dict]:
    """What Label Studio exports after an annotator worked from scratch: random ids, arrows drawn either way."""
    he = text.index("he ")
    result = [
        _region("Xk3Lp0aQ1z", "actor", "PERSON", text, 0, 9),
        _region("bb7Rt2Wq0o", "actor", "PERSON", text, he, he + 2),
        {"id": "bb7Rt2Wq0o", "from_name": "mention_kind", "to_name": "text", "type": "choices",
         "value": {"start": he, "end": he + 2, "text": "he", "choices": ["pronoun"]}},
        _region("c1", "quote", "direct", text, text.index("We"), text.index("We") + 15),
        _region("c2", "quote", "direct", text, text.index("and"), text.index("and") + 21),
        _region("cue", "quote", "CUE", text, text.index("said"), text.index("said") + 4),
        _region("tgt", "target", "proposal", text, text.index("the deal"), text.index("the deal") + 8),
        {"type": "relation", "from_id": "Xk3Lp0aQ1z", "to_id": "bb7Rt2Wq0o", "direction": "left", "labels": ["coref"]},
        {"type": "relation", "from_id": "c2", "to_id": "c1", "direction": "right", "labels": ["continues"]},
        {"type": "relation", "from_id": "cue", "to_id": "c1", "direction": "right", "labels": ["cue"]},
        {"type": "relation", "from_id": "c2", "to_id": "bb7Rt2Wq0o", "direction": "right", "labels": ["speaker"]},
        {"type": "relation", "from_id": "tgt", "to_id": "bb7Rt2Wq0o", "direction": "left", "labels": ["oppose"]},
    ]
    return [{"id": 7, "data": {"text": text}, "annotations": [
        {"id": 1, "completed_by": 3, "result": [], "was_cancelled": True, "updated_at": "2024-06-03T10:00:00Z"},
        {"id": 2, "completed_by": {"id": 4, "email": "ann@example.org"}, "result": result,
         "updated_at": "2024-06-02T10:00:00Z"},
        {"id": 3, "completed_by": 5, "result": result[:1], "updated_at": "2024-06-01T10:00:00Z"},
    ], "predictions": [{"model_version": "spacy-rules", "result": []}]}]


LS_TEXT = "Jan Novak: “We reject this,” he said, “and the deal is dead.”"


def test_label_studio_export_of_a_fresh_annotation(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(_ls_export(LS_TEXT)))
    rep = report("labelstudio")
    [doc] = labelstudio.read_tasks(path, rep)
    assert doc.id == "task-7" and doc.annotators == ["ann@example.org"]
    [actor] = doc.actors
    assert actor.name == "Jan Novak" and [m.kind for m in actor.mentions] == [None, "pronoun"]
    [quote] = doc.quotes
    assert [s.text for s in quote.content] == ["We reject this,", "and the deal is dead."] and quote.type == "direct"
    assert quote.cue.text == "said" and quote.speaker == actor.id and quote.speaker_mention.text == "he"
    [stance] = doc.stances
    assert (stance.holder, stance.target, stance.polarity) == (actor.id, doc.targets[0].id, "oppose")
    # The older annotation and the prediction are not converted, and the warnings say so.
    skipped = [w.message for w in rep.warnings]
    assert any("annotations[2] by labelstudio-user-5" in m for m in skipped)
    assert any("predictions[0] by spacy-rules" in m for m in skipped)
    # read_annotations gives every non-cancelled annotation, for agreement studies.
    every = labelstudio.read_annotations(path, report())
    assert [(a.source, a.annotator) for a in every] == [
        ("annotations[1]", "ann@example.org"), ("annotations[2]", "labelstudio-user-5"), ("predictions[0]", "spacy-rules")]


def test_label_studio_offsets_counted_in_utf16_units_are_converted(tmp_path: Path) -> None:
    text = "🙂🙂 Anna Berg said no."
    item = _region("r", "actor", "PERSON", text, 3, 12)  # code points: "Anna Berg"
    item["value"].update(start=5, end=14)  # what an old Label Studio wrote: UTF-16 units
    (tmp_path / "e.json").write_bytes(orjson.dumps([{"data": {"text": text}, "annotations": [{"result": [item]}]}]))
    [doc] = labelstudio.read_tasks(tmp_path / "e.json", report())
    assert doc.actors[0].mentions[0].key == (3, 12)


def test_label_studio_bad_export_names_file_document_and_result_item(tmp_path: Path) -> None:
    export = _ls_export(LS_TEXT)
    result = export[0]["annotations"][1]["result"]
    result[0]["value"]["text"] = "Jane Doe"
    result.append({"type": "relation", "from_id": "c1", "to_id": "nowhere", "labels": ["cue"]})
    result.append({"type": "relation", "from_id": "c1", "to_id": "tgt", "labels": ["speaker"]})
    path = tmp_path / "bad.json"
    path.write_bytes(orjson.dumps(export))
    with pytest.raises(CorpusError) as caught:
        labelstudio.read_tasks(path, report())
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{path}:: task-7: [0].annotations[1].result[0]: region text 'Jane Doe'") for m in messages)
    path.write_bytes(b"[{")
    with pytest.raises(CorpusError, match="malformed JSON"):
        labelstudio.read_tasks(path, report())


def test_label_studio_links_are_checked(tmp_path: Path) -> None:
    export = _ls_export(LS_TEXT)
    result = export[0]["annotations"][1]["result"]
    result.append({"type": "relation", "from_id": "c1", "to_id": "nowhere", "labels": ["cue"]})
    result.append({"type": "relation", "from_id": "c1", "to_id": "tgt", "labels": ["speaker"]})
    path = tmp_path / "bad.json"
    path.write_bytes(orjson.dumps(export))
    with pytest.raises(CorpusError) as caught:
        labelstudio.read_tasks(path, report())
    messages = [p.message for p in caught.value.problems]
    assert "unknown region 'nowhere'" in messages
    assert "'speaker' joins a content and a actor, not a content and a target" in messages


# --------------------------------------------------------------------------- brat

POLNEAR_TEXT = (
    "Flynn says Trump was right. "
    "“There is a disconnect,” Flynn, a top surrogate, said Thursday, “with the military.” "
    "Critics argued that the comment was a dig."
)


def _polnear_ann() -> str:
    t = POLNEAR_TEXT
    c1, c2 = t.index("“There"), t.index("“with")
    return "\n".join([
        "T1\tSource 0 5\tFlynn",
        "T2\tCue 6 10\tsays",
        "T3\tContent 11 26\tTrump was right",
        "T4\tAttribution 6 10\tsays",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tSource {t.index('Flynn,')} {t.index('Flynn,') + 5}\tFlynn",
        f"T6\tCue {t.index('said')} {t.index('said') + 13}\tsaid Thursday",
        f"T7\tContent {c1} {t.index('disconnect,”') + 12};{c2} {t.index('military.”') + 10}\t"
        "“There is a disconnect,” “with the military.”",
        f"T8\tAttribution {t.index('said')} {t.index('said') + 13}\tsaid Thursday",
        "E2\tAttribution:T8 Cue:T6 Source:T5 Content:T7",
        "A1\tType E2 Direct",
        "*\tCoref T1 T5",
        f"T9\tSource {t.index('Critics')} {t.index('Critics') + 7}\tCritics",
        f"T10\tCue {t.index('argued')} {t.index('argued') + 6}\targued",
        f"T11\tContent {t.index('that the')} {len(t) - 1}\tthat the comment was a dig",
        "R1\tSource Arg1:T10 Arg2:T9",
        "R2\tContent Arg1:T10 Arg2:T11",
        "#1\tAnnotatorNotes T9\tunsure",
    ]) + "\n"


def _pair(directory: Path, stem: str, text: str, ann: str) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / f"{stem}.txt").write_text(text, encoding="utf-8")
    (directory / f"{stem}.ann").write_text(ann, encoding="utf-8")
    return directory


def test_polnear_style_attribution_imports_into_quotes(tmp_path: Path) -> None:
    rep = report("brat")
    [doc] = brat.read_directory(_pair(tmp_path / "polnear", "flynn", POLNEAR_TEXT, _polnear_ann()), rep,
                                brat.load_mapping("attribution"))
    assert doc.id == "flynn"
    flynn, critics = doc.actors
    assert [m.text for m in flynn.mentions] == ["Flynn", "Flynn"] and flynn.type == "PERSON"
    q1, q2, q3 = sorted(doc.quotes, key=lambda q: q.content[0].start)
    assert (q1.cue.text, q1.speaker, q1.type, q1.content[0].text) == ("says", flynn.id, "indirect", "Trump was right")
    assert [s.text for s in q2.content] == ["“There is a disconnect,”", "“with the military.”"]
    assert (q2.cue.text, q2.type, q2.speaker_mention.key) == ("said Thursday", "direct", flynn.mentions[1].key)
    # Relation-style attribution (PARC exports): the source is related to the cue, not the content.
    assert (q3.cue.text, q3.speaker, q3.content[0].text) == ("argued", critics.id, "that the comment was a dig")
    messages = [w.message for w in rep.warnings]
    assert any("1 annotator notes annotation(s) not covered" in m for m in messages)
    assert any("3 actor annotation(s) without a type: set to the mapping default 'PERSON'" in m for m in messages)
    assert any("2 content annotation(s) without a type: set to the mapping default 'indirect'" in m for m in messages)


def test_the_default_mapping_reports_what_it_does_not_know(tmp_path: Path) -> None:
    rep = report("brat")
    [doc] = brat.read_directory(_pair(tmp_path / "p", "flynn", POLNEAR_TEXT, _polnear_ann()), rep,
                                brat.load_mapping("default"))
    assert doc.actors == [] and len(doc.quotes) == 3  # Content is a default type; the rest is not
    ignored = " ".join(w.message for w in rep.warnings)
    for what in ("entity type Source", "entity type Cue", "event type Attribution", "relation type Source",
                 "equivalence type Coref"):
        assert what in ignored


def test_written_brat_uses_events_equiv_and_discontinuous_spans(tmp_path: Path) -> None:
    brat.write_directory(tmp_path / "out", [realistic()], report("whosaidwhat", "brat"), brat.load_mapping("default"))
    ann = (tmp_path / "out" / "news-1.ann").read_text(encoding="utf-8").splitlines()
    assert "T8\tContent 1 22;42 73\tWe will not accept it and we will say so in Brussels." in ann
    assert "E1\tQuote:T9 Content:T8 Speaker:T2" in ann and "A11\tQuoteType E1 direct" in ann
    assert "*\tEquiv T1 T2 T3" in ann and "R1\tOppose Arg1:T1 Arg2:T14" in ann
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"news-1.txt", "news-1.ann", "news-1.json", "annotation.conf"}


def test_a_quote_without_cue_is_an_event_triggered_by_its_content(tmp_path: Path) -> None:
    doc = realistic()
    doc.quotes[1].cue = None
    mapping = brat.load_mapping("default")
    brat.write_directory(tmp_path / "out", [doc], report(), mapping)
    ann = (tmp_path / "out" / "news-1.ann").read_text(encoding="utf-8")
    assert "\tQuote 107 123\ttalks must go on" in ann
    [back] = brat.read_directory(tmp_path / "out", report(), mapping)
    assert back.quotes[1].cue is None and back.quotes[1].content == doc.quotes[1].content


@pytest.mark.parametrize("line, message", [
    ("T1\tSource 0 5\tTrump", "the .ann says 'Trump' but the .txt has 'Flynn' there: is this .ann from another document?"),
    ("T1\tSource 0 999\tFlynn", "offsets 0 999 out of range"),
    ("T1\tSource zero five\tFlynn", "are not 'start end' pairs"),
    ("X1\tfoo", "not a brat annotation line"),
])
def test_bad_ann_lines_name_file_line_and_id(tmp_path: Path, line: str, message: str) -> None:
    directory = _pair(tmp_path / "bad", "flynn", POLNEAR_TEXT, "T2\tCue 6 10\tsays\n" + line + "\n")
    with pytest.raises(CorpusError) as caught:
        brat.read_directory(directory, report(), brat.load_mapping("attribution"))
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.document) == (str(directory / "flynn.ann"), 2, "flynn")
    assert message in problem.message


def test_mapping_errors_name_the_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"entities": {"Who": {"layer": "speaker"}}, "relations": {"Says": "quote"}}', encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        brat.load_mapping(str(path))
    assert {(p.file, p.field) for p in caught.value.problems} == {(str(path), "entities.Who.layer"), (str(path), "relations.Says")}
    with pytest.raises(CorpusError, match="can be read but not written"):
        brat.write_directory(tmp_path / "o", [realistic()], report(), brat.load_mapping("attribution"))


# --------------------------------------------------------------------------- doccano


def test_doccano_labels_and_a_bad_label_with_its_line(tmp_path: Path) -> None:
    doccano.write_jsonl(tmp_path / "d.jsonl", [realistic()], report())
    record = orjson.loads((tmp_path / "d.jsonl").read_bytes())
    labels = {e["label"] for e in record["entities"]}
    assert labels == {"PERSON", "ORGANIZATION", "GROUP", "QUOTE-direct", "QUOTE-indirect", "QUOTE-mixed", "CUE",
                      "TARGET-proposal"}
    assert {r["type"] for r in record["relations"]} == {"coref", "continues", "cue", "speaker", "oppose", "support"}
    bad = {"id": 1, "text": "Anna said no.", "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 4}]}
    (tmp_path / "bad.jsonl").write_bytes(b"\n" + orjson.dumps(bad) + b"\n")
    with pytest.raises(CorpusError) as caught:
        doccano.read_jsonl(tmp_path / "bad.jsonl", report())
    assert str(caught.value.problems[0]).startswith(f"{tmp_path / 'bad.jsonl'}:2: doccano-1: entities[0].label: 'PER'")


# --------------------------------------------------------------------------- spaCy


def test_docbin_is_training_data_for_ner_and_spancat(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin
    from spacy.training import Example

    doc = realistic()
    doc.actors[0].mentions.append(Mention(79, 95, "finance minister", "nominal"))  # inside "The finance minister"
    doc.actors[0].mentions.remove(next(m for m in doc.actors[0].mentions if m.text == "The finance minister"))
    doc.actors[1].mentions.append(Mention(129, 134, "Green", "name"))  # inside "The Green Party": overlaps
    rep = report("whosaidwhat", "spacy")
    spacy_docbin.write_docbin(tmp_path / "d.spacy", [doc], rep)
    nlp = spacy.blank("en")
    [sdoc] = DocBin().from_bytes((tmp_path / "d.spacy").read_bytes()).get_docs(nlp.vocab)
    assert [(e.text, e.label_, e.kb_id_) for e in sdoc.ents][:3] == [
        ("We", "PERSON", "a1"), ("Anna Berg", "PERSON", "a1"), ("finance minister", "PERSON", "a1")]
    assert "Green" not in [e.text for e in sdoc.ents] and "Green" in [s.text for s in sdoc.spans["actors"]]
    [note] = [w for w in rep.warnings if not w.dropped]
    assert (note.layer, note.item) == ("actors", "a2") and "span group 'actors' only" in note.message
    assert [(s.text, s.label_, s.id_, s.kb_id_) for s in sdoc.spans["quotes"]][:2] == [
        ("We will not accept it", "direct", "q1", "a1"), ("and we will say so in Brussels.", "direct", "q1", "a1")]
    assert [s.text for s in sdoc.spans["cues"]] == ["said", "added", "called"]
    # Usable by spaCy's training: gold entities align to a fresh tokenization of the text.
    example = Example(nlp.make_doc(sdoc.text), sdoc)
    tags = example.get_aligned_ner()
    assert "B-PERSON" in tags and "U-ORGANIZATION" not in tags[:3]
    assert sum(t.startswith(("U-", "B-")) for t in tags) == len(sdoc.ents)


def test_docbin_from_a_pipeline_without_our_span_groups(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    sdoc = nlp.make_doc("Anna Berg met Jonas Lind in Oslo.")
    sdoc.ents = [Span(sdoc, 0, 2, label="PERSON"), Span(sdoc, 3, 5, label="PERSON"), Span(sdoc, 6, 7, label="GPE")]
    DocBin(docs=[sdoc]).to_disk(tmp_path / "p.spacy")
    with pytest.raises(CorpusError, match="label 'GPE' is not one of PERSON"):
        spacy_docbin.read_docbin(tmp_path / "p.spacy", report())
    sdoc.ents = list(sdoc.ents)[:2]
    DocBin(docs=[sdoc]).to_disk(tmp_path / "p.spacy")
    [doc] = spacy_docbin.read_docbin(tmp_path / "p.spacy", report())
    assert [a.name for a in doc.actors] == ["Anna Berg", "Jonas Lind"] and doc.id == "doc-1"


# --------------------------------------------------------------------------- DNA


def test_dna_event_list_rows(tmp_path: Path) -> None:
    doc = realistic()
    doc.stances[1].polarity = "neutral"
    rep = report("whosaidwhat", "dna")
    dna.write_csv(tmp_path / "s.csv", [doc], rep)
    rows = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8")))
    assert tuple(rows[0]) == dna.COLUMNS
    assert [(r["person"], r["organization"], r["concept"], r["agreement"], r["position"]) for r in rows] == [
        ("Anna Berg", "", "the budget plan", "0", "oppose"),
        ("", "Green Party", "the budget plan", "", "neutral"),
        ("Jonas Lind", "Green Party", "the budget plan", "1", "support"),  # organisation from the affiliation
    ]
    assert rows[0]["text"] == "We will not accept it … and we will say so in Brussels." and rows[0]["quote_id"] == "q1"
    assert rows[1]["text"] == "backs the plan" and rows[0]["time"] == "2024-05-02"
    [warning] = rep.warnings
    assert "1 quote(s) that are no stance's evidence (q2)" in warning.message and "actors who hold no stance" in warning.message


# --------------------------------------------------------------------------- command line


def test_convert_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    write_documents(gold, [realistic()])
    assert main(["convert", "--to", "brat", str(gold), str(tmp_path / "b")]) == 0
    assert main(["convert", "--from", "brat", str(tmp_path / "b"), str(tmp_path / "back.jsonl")]) == 0
    assert [d.to_dict() for d in load_documents([tmp_path / "back.jsonl"])][0]["actors"][0]["name"] == "Anna Berg"
    assert main(["convert", "--to", "labelstudio-config", str(tmp_path / "c.xml")]) == 0
    ET.parse(tmp_path / "c.xml")
    out = capsys.readouterr().out
    assert "converted 1 document(s) from whosaidwhat to brat" in out and "0 warning(s)" in out
    assert main(["convert", "--from", "brat", "--to", "dna", "a", "b"]) == 2
    assert main(["convert", "--to", "doccano", "--mapping", "default", str(gold), "x"]) == 2
    assert main(["convert", "--to", "dna", str(gold), str(tmp_path / "s.csv")]) == 0
    assert "warning: news-1: document[*]: DNA holds stances" in capsys.readouterr().err
    (tmp_path / "b" / "news-1.ann").write_text("T1\tPERSON 0 4\tAnna\n", encoding="utf-8")
    (tmp_path / "b" / "news-1.json").unlink()
    assert main(["convert", "--from", "brat", str(tmp_path / "b"), str(tmp_path / "x.jsonl")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'b' / 'news-1.ann'}:1: news-1: T1: the .ann says 'Anna'" in err
    assert not (tmp_path / "x.jsonl").exists()
